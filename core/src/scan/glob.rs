//! Glob matching with the server's own rules, for keys the scan finds without `SCAN MATCH`.
//!
//! Keys re-read from a slot with `CLUSTER GETKEYSINSLOT` come unfiltered, so the pattern
//! the caller gave `SCAN` must be applied here, and it must agree with the server exactly or
//! the two paths would disagree about the same key. This is a transcription of Redis's
//! `stringmatchlen` (case-sensitive): `*`, `?`, `[abc]`, `[^a]`, `[a-z]` (reversed ranges
//! allowed), `\` escapes inside and outside classes, an unterminated class that ends at the
//! pattern's end, and its bound on `*` nesting. Where the C code reads one byte past the
//! pattern (its NUL terminator), [`at`] returns 0 likewise.

/// True when `key` matches `pattern` as `SCAN ... MATCH pattern` would decide.
///
/// ```
/// use keyslot_core::scan::glob_match;
/// assert!(glob_match(b"user:*", b"user:42"));
/// assert!(glob_match(b"h?llo", b"hallo"));
/// assert!(glob_match(b"h[a-e]llo", b"hello"));
/// assert!(!glob_match(b"h[^e]llo", b"hello"));
/// // Case-sensitive, as the server is.
/// assert!(!glob_match(b"user:*", b"USER:42"));
/// ```
pub fn glob_match(pattern: &[u8], key: &[u8]) -> bool {
    // SCAN skips matching altogether for the pattern `*` (so the empty key matches too).
    if pattern == b"*" {
        return true;
    }
    let mut skip_longer = false;
    matches(pattern, key, &mut skip_longer, 0)
}

/// `p[i]`, or 0 past the end (the C string's terminator).
fn at(p: &[u8], i: usize) -> u8 {
    p.get(i).copied().unwrap_or(0)
}

/// The server refuses to recurse deeper than this and reports no match.
const MAX_NESTING: usize = 1000;

fn matches(pattern: &[u8], string: &[u8], skip_longer: &mut bool, nesting: usize) -> bool {
    if nesting > MAX_NESTING {
        return false;
    }
    let (mut p, mut s) = (0usize, 0usize);
    while p < pattern.len() && s < string.len() {
        match pattern[p] {
            b'*' => {
                while p < pattern.len() && at(pattern, p + 1) == b'*' {
                    p += 1;
                }
                if pattern.len() - p == 1 {
                    return true;
                }
                while s < string.len() {
                    if matches(&pattern[p + 1..], &string[s..], skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s += 1;
                }
                // Nothing after this star matches anywhere in the rest of the string, so
                // no earlier star can do better by matching more.
                *skip_longer = true;
                return false;
            }
            b'?' => s += 1,
            b'[' => {
                let c = string[s];
                p += 1;
                let negate = at(pattern, p) == b'^';
                if negate {
                    p += 1;
                }
                let mut matched = false;
                loop {
                    let left = pattern.len().saturating_sub(p);
                    if at(pattern, p) == b'\\' && left >= 2 {
                        p += 1;
                        if at(pattern, p) == c {
                            matched = true;
                        }
                    } else if at(pattern, p) == b']' {
                        break;
                    } else if left == 0 {
                        // Unterminated class: step back so the common advance below ends
                        // exactly at the pattern's end.
                        p -= 1;
                        break;
                    } else if left >= 3 && at(pattern, p + 1) == b'-' {
                        let (mut lo, mut hi) = (at(pattern, p), at(pattern, p + 2));
                        if lo > hi {
                            core::mem::swap(&mut lo, &mut hi);
                        }
                        p += 2;
                        if (lo..=hi).contains(&c) {
                            matched = true;
                        }
                    } else if at(pattern, p) == c {
                        matched = true;
                    }
                    p += 1;
                }
                if matched == negate {
                    return false;
                }
                s += 1;
            }
            b => {
                let literal = if b == b'\\' && pattern.len() - p >= 2 {
                    p += 1;
                    pattern[p]
                } else {
                    b
                };
                if literal != string[s] {
                    return false;
                }
                s += 1;
            }
        }
        p += 1;
        if s == string.len() {
            while at(pattern, p) == b'*' {
                p += 1;
            }
            break;
        }
    }
    p >= pattern.len() && s == string.len()
}

#[cfg(test)]
mod tests {
    use super::glob_match as m;

    #[test]
    fn stars_and_questions() {
        assert!(m(b"*", b""));
        assert!(m(b"*", b"anything"));
        assert!(m(b"a*", b"a"));
        assert!(m(b"a*c", b"abbbc"));
        assert!(!m(b"a*c", b"abbbd"));
        assert!(m(b"**a**", b"xxa"));
        assert!(m(b"?", b"x"));
        assert!(!m(b"?", b""));
        assert!(!m(b"?", b"xy"));
        assert!(m(b"a?c*", b"abcdef"));
        assert!(!m(b"", b"a"));
        assert!(m(b"", b""));
        assert!(!m(b"a**", b""));
    }

    #[test]
    fn classes() {
        assert!(m(b"[abc]", b"b"));
        assert!(!m(b"[abc]", b"d"));
        assert!(m(b"[^abc]", b"d"));
        assert!(!m(b"[^abc]", b"a"));
        assert!(m(b"[a-c]x", b"bx"));
        assert!(m(b"[c-a]x", b"bx"), "reversed range");
        assert!(m(b"[\\]]", b"]"));
        assert!(m(b"[\\-]", b"-"));
        assert!(m(b"[a-]", b"]"), "a range whose end is the closing bracket");
        assert!(m(b"[abc", b"c"), "unterminated class");
        assert!(!m(b"[abc", b"d"));
    }

    #[test]
    fn escapes() {
        assert!(m(b"\\*", b"*"));
        assert!(!m(b"\\*", b"a"));
        assert!(m(b"a\\?", b"a?"));
        assert!(m(b"a\\", b"a\\"), "a trailing backslash is literal");
    }

    #[test]
    fn deep_stars_terminate() {
        let pattern = [b'*'; 3000]
            .iter()
            .chain(b"b")
            .copied()
            .collect::<alloc::vec::Vec<_>>();
        let text = [b'a'; 3000];
        assert!(!m(&pattern, &text));
        let mut alternating = alloc::vec::Vec::new();
        for _ in 0..2000 {
            alternating.extend_from_slice(b"a*");
        }
        assert!(!m(&alternating, &[b'a'; 100]));
    }
}
