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
pub(crate) type OneResult = Result<Value, Error>;

/// What a pipeline is answered with: each command's result, in order.
pub(crate) type PipelineResults = Vec<Result<Value, Error>>;

/// The same expression for a waiter of either kind (their reply types differ, so one arm
/// cannot bind both).
macro_rules! either {
    ($token:expr, $w:ident => $e:expr) => {
        match $token {
            Token::Single($w) => $e,
            Token::Pipeline($w) => $e,
        }
    };
}

/// Whether the caller stopped waiting (dropped its end of the channel).
pub(crate) fn is_abandoned(token: Token<&Waiter<OneResult>, &Waiter<PipelineResults>>) -> bool {
    either!(token, w => w.tx.is_closed())
}

/// The request's span, whichever kind it is.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) fn span_mut<'a>(
    token: Token<&'a mut Waiter<OneResult>, &'a mut Waiter<PipelineResults>>,
) -> &'a mut RequestSpan {
    either!(token, w => &mut w.span)
}

/// The span of a request whose caller left.
pub(crate) fn into_span(token: Token<Waiter<OneResult>, Waiter<PipelineResults>>) -> RequestSpan {
    either!(token, w => w.span)
}
