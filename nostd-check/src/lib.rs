//! Proof that `keyslot-core` builds and links without `std`.
//!
//! This crate is `#![no_std]` and defines its own `#[panic_handler]`. If anything in
//! `keyslot-core`'s dependency graph (the core itself with `default-features = false`, or one
//! of its dependencies) brings in `std`, std's own panic handler collides with the one below
//! and the build fails with `error[E0152]: found duplicate lang item 'panic_impl'`. The test
//! script builds it; nothing runs it.
//!
//! Being a final artifact (a staticlib), it also has to name a `#[global_allocator]`, which
//! std would otherwise supply.
//!
//! To see the check bite, build with `features = ["std"]` added to the `keyslot-core`
//! dependency, or an unconditional `extern crate std;` in the core.
//!
//! [`exercise`] touches the public entry points so they are compiled into the artifact
//! rather than merely type-checked.
#![no_std]

extern crate alloc;

use alloc::vec::Vec;
use keyslot_core::resp::{decode, Decoder};
use keyslot_core::{key_slot, Cmd};

/// Encode a command, decode the bytes back and hash its key: the slot of its second argument
/// when the round trip works, else `u16::MAX`.
pub fn exercise(key: &[u8]) -> u16 {
    let mut wire = Vec::new();
    Cmd::new("GET").arg(key).encode(&mut wire);
    let _ = Decoder::new();
    match decode(&wire) {
        Ok(Some((value, _))) => match value.as_slice().and_then(|items| items.get(1)) {
            Some(arg) => arg.as_bytes().map_or(u16::MAX, key_slot),
            None => u16::MAX,
        },
        _ => u16::MAX,
    }
}

/// The allocator that std would otherwise provide. A final artifact needs one; this one
/// refuses every request, which is enough for a build that is never run.
struct NoAlloc;

// SAFETY: returning null is the documented way for an allocator to report failure, and
// `dealloc` is never handed a pointer because `alloc` never gives one out.
unsafe impl core::alloc::GlobalAlloc for NoAlloc {
    unsafe fn alloc(&self, _layout: core::alloc::Layout) -> *mut u8 {
        core::ptr::null_mut()
    }

    unsafe fn dealloc(&self, _ptr: *mut u8, _layout: core::alloc::Layout) {}
}

#[global_allocator]
static ALLOCATOR: NoAlloc = NoAlloc;

/// The panic handler that std would otherwise provide. Never reached: it only has to exist.
#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    loop {}
}
