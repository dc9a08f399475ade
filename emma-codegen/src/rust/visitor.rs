//! The visitor: `EventVisitor` (override what you need), `ExhaustiveEventVisitor` (every event
//! must be handled), the `visit` module of default behaviours, and `Event::accept`.
//!
//! As in syn's `Visit`, each default method body calls a free function of the `visit` module,
//! so an override can still fall back to the default. The traits and the dispatch are written
//! in the private module and re-exported: like `visit`, it sees none of the names of the
//! module the code is generated into, so its generics (`R`, `V`) and parameters (`event`) are
//! named as a reader of the rustdoc expects, and no name a schema declares, or a constant of
//! the caller's, can shadow or capture them.

use super::{Context, doc, struct_ident};
use crate::api::EventApi;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn method(event: &EventApi<'_>) -> Ident {
    format_ident!("{}", event.visitor_method)
}

/// What the visitors put at the root of the generated module (the `visit` module, and the
/// traits re-exported from the private module) and in the private module (the traits and
/// `Event`'s dispatch).
pub(super) struct Visitors {
    /// Items at the root.
    pub(super) root: TokenStream,
    /// Items in the private module, which sees none of the root's names: parameters and
    /// generics are named as a reader expects (`event`, `R`) and cannot be captured.
    pub(super) private: TokenStream,
}

pub(super) fn generate(cx: &Context<'_, '_>) -> Visitors {
    let runtime = &cx.runtime;
    let events = &cx.api.events;
    let visitor_output = cx.runtime_link("VisitorOutput");
    let structs: Vec<_> = events.iter().map(struct_ident).collect();
    let methods: Vec<_> = events.iter().map(method).collect();
    let method_docs: Vec<_> = events
        .iter()
        .map(|event| {
            doc(&format!(
                "Handles a `{}` delivery: {}\n\nBy default, calls [`visit::{}`](super::visit::{}), which hands the event to [`EventVisitor::visit_unhandled`].",
                event.def.name,
                event.def.summary,
                method(event),
                method(event)
            ))
        })
        .collect();
    let exhaustive_docs = events.iter().map(|event| {
        doc(&format!(
            "Handles a `{}` delivery: {}",
            event.def.name, event.def.summary
        ))
    });
    let default_docs = events.iter().map(|event| {
        doc(&format!(
            "The default of [`EventVisitor::{}`](super::EventVisitor::{}): hands the event to [`EventVisitor::visit_unhandled`](super::EventVisitor::visit_unhandled).",
            method(event),
            method(event)
        ))
    });
    let trait_doc = doc(&format!(
        "Handles deliveries one event at a time: implement the methods for the events you care\n\
         about; the others go to [`EventVisitor::visit_unhandled`].\n\n\
         `R` is what every method returns: `()` by default, or any [`VisitorOutput`]\n\
         such as `Result<(), E>` (unhandled events give `Ok(())`). Dispatch with\n\
         [`Event::accept`](super::Event::accept). To be told at compile time about an event you\n\
         do not handle, implement [`ExhaustiveEventVisitor`] instead.\n\n\
         [`VisitorOutput`]: {visitor_output}"
    ));
    let unhandled_doc = doc(&format!(
        "Called for every event the visitor does not handle, with its wire name.\n\n\
         By default returns [`VisitorOutput::unhandled`]({visitor_output}::unhandled)."
    ));
    let private = cx.private_module();
    let root = quote! {
        /// The default behaviour of each [`EventVisitor`] method, as free functions, so that an
        /// overriding method can still fall back to it.
        pub mod visit {
            #(
                #default_docs
                pub fn #methods<R, V>(visitor: &mut V, event: &super::#structs) -> R
                where
                    R: #runtime::VisitorOutput,
                    V: super::EventVisitor<R> + ?::core::marker::Sized,
                {
                    let _ = event;
                    visitor.visit_unhandled(super::#structs::EVENT_NAME)
                }
            )*

            /// The default of [`EventVisitor::visit_unknown`](super::EventVisitor::visit_unknown):
            /// hands the event to [`EventVisitor::visit_unhandled`](super::EventVisitor::visit_unhandled).
            pub fn visit_unknown<R, V>(visitor: &mut V, event: &#runtime::UnknownEvent) -> R
            where
                R: #runtime::VisitorOutput,
                V: super::EventVisitor<R> + ?::core::marker::Sized,
            {
                visitor.visit_unhandled(&event.event_name)
            }
        }

        pub use self::#private::{EventVisitor, ExhaustiveEventVisitor};
    };
    let private = quote! {
        #trait_doc
        pub trait EventVisitor<R: #runtime::VisitorOutput = ()> {
            #(
                #method_docs
                fn #methods(&mut self, event: &super::#structs) -> R {
                    super::visit::#methods(self, event)
                }
            )*

            /// Handles a delivery of an event the schema does not know.
            ///
            /// By default, calls [`visit::visit_unknown`](super::visit::visit_unknown), which
            /// hands it to [`EventVisitor::visit_unhandled`].
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> R {
                super::visit::visit_unknown(self, event)
            }

            #unhandled_doc
            fn visit_unhandled(&mut self, event_name: &::core::primitive::str) -> R {
                let _ = event_name;
                <R as #runtime::VisitorOutput>::unhandled()
            }
        }

        /// Like [`EventVisitor`], but every event must be handled: an implementation that leaves
        /// one out does not compile. Dispatch with
        /// [`Event::accept_exhaustive`](super::Event::accept_exhaustive).
        pub trait ExhaustiveEventVisitor<R = ()> {
            #(
                #exhaustive_docs
                fn #methods(&mut self, event: &super::#structs) -> R;
            )*

            /// Handles a delivery of an event the schema does not know.
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> R;
        }

        impl super::Event {
            /// Hands the event to the visitor method for its kind and returns what it returns.
            pub fn accept<R, V>(&self, visitor: &mut V) -> R
            where
                R: #runtime::VisitorOutput,
                V: EventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( super::Event::#structs(event) => <V as EventVisitor<R>>::#methods(visitor, event.data()), )*
                    super::Event::Unknown(event) => <V as EventVisitor<R>>::visit_unknown(visitor, event),
                }
            }

            /// Hands the event to an [`ExhaustiveEventVisitor`].
            pub fn accept_exhaustive<R, V>(&self, visitor: &mut V) -> R
            where
                V: ExhaustiveEventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( super::Event::#structs(event) => <V as ExhaustiveEventVisitor<R>>::#methods(visitor, event.data()), )*
                    super::Event::Unknown(event) => <V as ExhaustiveEventVisitor<R>>::visit_unknown(visitor, event),
                }
            }
        }

        #[automatically_derived]
        impl<R, V> #runtime::Accept<V, R> for super::Event
        where
            R: #runtime::VisitorOutput,
            V: EventVisitor<R> + ?::core::marker::Sized,
        {
            fn accept(&self, visitor: &mut V) -> R {
                super::Event::accept(self, visitor)
            }
        }
    };
    Visitors { root, private }
}

/// The async visitors: `AsyncEventVisitor` (override what you need) and
/// `ExhaustiveAsyncEventVisitor` (every event must be handled), with `Event::accept_async`.
///
/// Every method returns `impl Future<Output = R> + Send`, so an implementation may be an
/// `async fn` and the dispatch runs on a multi-threaded runtime; a future that is not `Send`
/// is a compile error at the implementation.
pub(super) fn generate_async(cx: &Context<'_, '_>) -> Visitors {
    let runtime = &cx.runtime;
    let events = &cx.api.events;
    let visitor_output = cx.runtime_link("VisitorOutput");
    let structs: Vec<_> = events.iter().map(struct_ident).collect();
    let methods: Vec<_> = events.iter().map(method).collect();
    let future = quote!(impl ::core::future::Future<Output = R> + ::core::marker::Send);
    let method_docs: Vec<_> = events
        .iter()
        .map(|event| {
            doc(&format!(
                "Handles a `{}` delivery: {}\n\nBy default, hands the event to [`AsyncEventVisitor::visit_unhandled`].",
                event.def.name, event.def.summary
            ))
        })
        .collect();
    let exhaustive_docs = events.iter().map(|event| {
        doc(&format!(
            "Handles a `{}` delivery: {}",
            event.def.name, event.def.summary
        ))
    });
    let trait_doc = doc(&format!(
        "Handles deliveries one event at a time in async code, such as a handler that writes to a\n\
         database before it answers: implement the methods for the events you care about, as\n\
         `async fn`s if you like; the others go to [`AsyncEventVisitor::visit_unhandled`].\n\n\
         `R` is what every method's future gives: `()` by default, or any [`VisitorOutput`]\n\
         such as `Result<(), E>`. Futures must be `Send`, so dispatch can run on a\n\
         multi-threaded runtime. Dispatch with [`Event::accept_async`](super::Event::accept_async).\n\
         To be told at compile time about an event you do not handle, implement\n\
         [`ExhaustiveAsyncEventVisitor`].\n\n\
         [`VisitorOutput`]: {visitor_output}"
    ));
    let unhandled_doc = doc(&format!(
        "Called for every event the visitor does not handle, with its wire name.\n\n\
         By default gives [`VisitorOutput::unhandled`]({visitor_output}::unhandled)."
    ));
    let private = cx.private_module();
    let root = quote! {
        pub use self::#private::{AsyncEventVisitor, ExhaustiveAsyncEventVisitor};
    };
    let private = quote! {
        #trait_doc
        pub trait AsyncEventVisitor<R = ()>: ::core::marker::Send
        where
            R: #runtime::VisitorOutput + ::core::marker::Send,
        {
            #(
                #method_docs
                fn #methods(&mut self, event: &super::#structs) -> #future {
                    let _ = event;
                    self.visit_unhandled(super::#structs::EVENT_NAME)
                }
            )*

            /// Handles a delivery of an event the schema does not know.
            ///
            /// By default, hands it to [`AsyncEventVisitor::visit_unhandled`].
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> #future {
                self.visit_unhandled(&event.event_name)
            }

            #unhandled_doc
            fn visit_unhandled(&mut self, event_name: &::core::primitive::str) -> #future {
                let _ = event_name;
                ::core::future::ready(<R as #runtime::VisitorOutput>::unhandled())
            }
        }

        /// Like [`AsyncEventVisitor`], but every event must be handled: an implementation that
        /// leaves one out does not compile. Dispatch with
        /// [`Event::accept_exhaustive_async`](super::Event::accept_exhaustive_async).
        pub trait ExhaustiveAsyncEventVisitor<R = ()>: ::core::marker::Send {
            #(
                #exhaustive_docs
                fn #methods(&mut self, event: &super::#structs) -> #future;
            )*

            /// Handles a delivery of an event the schema does not know.
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> #future;
        }

        impl super::Event {
            /// Hands the event to the async visitor method for its kind and gives what its
            /// future gives.
            pub async fn accept_async<R, V>(&self, visitor: &mut V) -> R
            where
                R: #runtime::VisitorOutput + ::core::marker::Send,
                V: AsyncEventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( super::Event::#structs(event) => <V as AsyncEventVisitor<R>>::#methods(visitor, event.data()).await, )*
                    super::Event::Unknown(event) => <V as AsyncEventVisitor<R>>::visit_unknown(visitor, event).await,
                }
            }

            /// Hands the event to an [`ExhaustiveAsyncEventVisitor`].
            pub async fn accept_exhaustive_async<R, V>(&self, visitor: &mut V) -> R
            where
                V: ExhaustiveAsyncEventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( super::Event::#structs(event) => <V as ExhaustiveAsyncEventVisitor<R>>::#methods(visitor, event.data()).await, )*
                    super::Event::Unknown(event) => <V as ExhaustiveAsyncEventVisitor<R>>::visit_unknown(visitor, event).await,
                }
            }
        }

        #[automatically_derived]
        impl<R, V> #runtime::AcceptAsync<V, R> for super::Event
        where
            R: #runtime::VisitorOutput + ::core::marker::Send,
            V: AsyncEventVisitor<R> + ?::core::marker::Sized,
        {
            fn accept_async(&self, visitor: &mut V) -> impl ::core::future::Future<Output = R> + ::core::marker::Send {
                super::Event::accept_async(self, visitor)
            }
        }
    };
    Visitors { root, private }
}
