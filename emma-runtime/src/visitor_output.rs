//! What a visitor returns for events it does not handle.

use std::ops::ControlFlow;

/// A value a visitor can return, with the value to give for events it leaves unhandled.
///
/// Generated visitor traits are generic over their output `R: VisitorOutput` (default `()`),
/// so a visitor may return `()`, `Option<T>`, `Result<T, E>` or `ControlFlow<B, C>`; the
/// methods it does not implement return [`VisitorOutput::unhandled`]. Implement it for your
/// own output type to choose what "unhandled" means.
pub trait VisitorOutput {
    /// The output for an event the visitor does not handle.
    fn unhandled() -> Self;
}

impl VisitorOutput for () {
    fn unhandled() -> Self {}
}

/// Unhandled events give `None`.
impl<T> VisitorOutput for Option<T> {
    fn unhandled() -> Self {
        None
    }
}

/// Unhandled events succeed: an event a service does not care about is not an error.
impl<T: VisitorOutput, E> VisitorOutput for Result<T, E> {
    fn unhandled() -> Self {
        Ok(T::unhandled())
    }
}

/// Unhandled events continue.
impl<B, C: VisitorOutput> VisitorOutput for ControlFlow<B, C> {
    fn unhandled() -> Self {
        ControlFlow::Continue(C::unhandled())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unhandled_is_the_neutral_value_of_each_output() {
        assert_eq!(Option::<u8>::unhandled(), None);
        assert_eq!(Result::<(), String>::unhandled(), Ok(()));
        assert_eq!(Result::<Option<u8>, String>::unhandled(), Ok(None));
        assert_eq!(
            ControlFlow::<u8, ()>::unhandled(),
            ControlFlow::Continue(())
        );
    }
}
