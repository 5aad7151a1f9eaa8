//! A caller's end of a request, as the token the core carries for it.
//!
//! The core gives a pipeline's token a type of its own, so each caller's channel has the
//! type of the reply its request gets: a command's caller waits for one result, a
//! pipeline's for the list. No reply can reach a caller in a shape it cannot take, so there
//! is no "impossible reply" for the client to turn into an error.

use keyslot_core::cluster::{Error, Token};
use keyslot_core::resp::Value;
use tokio::sync::oneshot;

use crate::trace::RequestSpan;

/// Where a request's reply goes, with the request's span (zero-sized without the `tracing`
/// feature; see `trace.rs`).
pub(crate) struct Waiter<R> {
    pub(crate) tx: oneshot::Sender<R>,
    pub(crate) span: RequestSpan,
}

/// What a command, transaction, script or node command is answered with.
pub(crate) type Single = Result<Value, Error>;

/// What a pipeline is answered with: each command's result, in order.
pub(crate) type Results = Vec<Result<Value, Error>>;

/// Whether the caller stopped waiting (dropped its end of the channel).
pub(crate) fn is_abandoned(token: Token<&Waiter<Single>, &Waiter<Results>>) -> bool {
    match token {
        Token::Single(w) => w.tx.is_closed(),
        Token::Pipeline(w) => w.tx.is_closed(),
    }
}

/// The request's span, whichever kind it is.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn span_mut<'a>(
    token: Token<&'a mut Waiter<Single>, &'a mut Waiter<Results>>,
) -> &'a mut RequestSpan {
    match token {
        Token::Single(w) => &mut w.span,
        Token::Pipeline(w) => &mut w.span,
    }
}

/// The span of a request whose caller left.
pub(crate) fn into_span(token: Token<Waiter<Single>, Waiter<Results>>) -> RequestSpan {
    match token {
        Token::Single(w) => w.span,
        Token::Pipeline(w) => w.span,
    }
}
