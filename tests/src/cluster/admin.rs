//! The harness's own commands to nodes, over the plain-TCP [`Conn`] of `client.rs`.
//!
//! A fresh connection per question: on loopback it costs well under a millisecond, and a
//! node that was killed or restarted never leaves a stale connection behind.

use std::io;
use std::net::SocketAddr;

use keyslot_core::resp::Value;
use keyslot_core::Cmd;

use super::spec::Auth;
use crate::client::Conn;

/// Connect to `addr` and, with `auth`, authenticate.
pub(crate) fn connect_as(addr: SocketAddr, auth: Option<&Auth>) -> io::Result<Conn> {
    let mut conn = Conn::connect(addr)?;
    if let Some(auth) = auth {
        let mut cmd = Cmd::new("AUTH");
        if let Some(user) = auth.user() {
            cmd = cmd.arg(user);
        }
        call(&mut conn, &cmd.arg(auth.password()))?;
    }
    Ok(conn)
}

/// Send `cmd`; an error reply becomes an `io::Error` naming the command.
pub(crate) fn call(conn: &mut Conn, cmd: &Cmd) -> io::Result<Value> {
    match conn.send(cmd)? {
        Value::Error(e) => Err(io::Error::other(format!(
            "{} -> {}",
            describe(cmd),
            String::from_utf8_lossy(&e)
        ))),
        value => Ok(value),
    }
}

/// [`call`], expecting a string reply (CLUSTER NODES, INFO, CLUSTER MYID ...).
pub(crate) fn call_text(conn: &mut Conn, cmd: &Cmd) -> io::Result<String> {
    let value = call(conn, cmd)?;
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| io::Error::other(format!("{} -> not text: {value:?}", describe(cmd))))
}

/// The command as text, for error messages (passwords are not logged: AUTH is shortened).
pub(crate) fn describe(cmd: &Cmd) -> String {
    if cmd.name().eq_ignore_ascii_case(b"AUTH") {
        return "AUTH ...".to_owned();
    }
    cmd.args()
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The value of `field` in an `INFO` or `CLUSTER INFO` reply (`field:value` lines).
pub(crate) fn info_field<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines().find_map(|line| {
        let (name, value) = line.split_once(':')?;
        (name == field).then(|| value.trim())
    })
}

/// `CLUSTER <sub> args...`.
pub(crate) fn cluster(sub: &str) -> Cmd {
    Cmd::new("CLUSTER").arg(sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn info_fields_are_found_by_exact_name() {
        let info =
            "# Replication\r\nrole:slave\r\nmaster_link_status:up\r\nmaster_link_status_x:down\r\n";
        assert_eq!(info_field(info, "master_link_status"), Some("up"));
        assert_eq!(info_field(info, "role"), Some("slave"));
        assert_eq!(info_field(info, "missing"), None);
    }

    #[test]
    fn auth_is_not_spelled_out() {
        let cmd = Cmd::new("AUTH").arg("alice").arg("secret");
        assert_eq!(describe(&cmd), "AUTH ...");
        assert_eq!(
            describe(&cluster("MEET").arg("127.0.0.1")),
            "CLUSTER MEET 127.0.0.1"
        );
    }
}
