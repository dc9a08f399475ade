//! The visitor: `EventVisitor` (override what you need), `ExhaustiveEventVisitor` (every event
//! must be handled), the `visit` module of default behaviours, and `Event::accept`.
//!
//! As in syn's `Visit`, each default method body calls a free function of the `visit` module,
//! so an override can still fall back to the default. Generic parameters are `__R` (what the
//! methods return) and `__V` (the visitor), and the parameters of default methods `__event`,
//! so that no name a schema declares, or a user's constant, can shadow them.

use super::{Context, doc, struct_ident};
use crate::api::EventApi;
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn method(event: &EventApi<'_>) -> Ident {
    format_ident!("{}", event.visitor_method)
}

pub(super) fn generate(cx: &Context<'_, '_>) -> TokenStream {
    let runtime = &cx.runtime;
    let events = &cx.api.events;
    let visitor_output = cx.runtime_link("VisitorOutput");
    let structs: Vec<_> = events.iter().map(struct_ident).collect();
    let methods: Vec<_> = events.iter().map(method).collect();
    let method_docs: Vec<_> = events
        .iter()
        .map(|event| {
            doc(&format!(
                "Handles a `{}` delivery: {}\n\nBy default, calls [`visit::{}`], which hands the event to [`EventVisitor::visit_unhandled`].",
                event.def.name,
                event.def.summary,
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
         `__R` is what every method returns: `()` by default, or any [`VisitorOutput`]\n\
         such as `Result<(), E>` (unhandled events give `Ok(())`). Dispatch with\n\
         [`Event::accept`]. To be told at compile time about an event you do not handle,\n\
         implement [`ExhaustiveEventVisitor`] instead.\n\n\
         [`VisitorOutput`]: {visitor_output}"
    ));
    let unhandled_doc = doc(&format!(
        "Called for every event the visitor does not handle, with its wire name.\n\n\
         By default returns [`VisitorOutput::unhandled`]({visitor_output}::unhandled)."
    ));
    quote! {
        /// The default behaviour of each [`EventVisitor`] method, as free functions, so that an
        /// overriding method can still fall back to it.
        pub mod visit {
            #(
                #default_docs
                pub fn #methods<__R, __V>(__visitor: &mut __V, __event: &super::#structs) -> __R
                where
                    __R: #runtime::VisitorOutput,
                    __V: super::EventVisitor<__R> + ?::core::marker::Sized,
                {
                    let _ = __event;
                    __visitor.visit_unhandled(super::#structs::EVENT_NAME)
                }
            )*

            /// The default of [`EventVisitor::visit_unknown`](super::EventVisitor::visit_unknown):
            /// hands the event to [`EventVisitor::visit_unhandled`](super::EventVisitor::visit_unhandled).
            pub fn visit_unknown<__R, __V>(__visitor: &mut __V, __event: &#runtime::UnknownEvent) -> __R
            where
                __R: #runtime::VisitorOutput,
                __V: super::EventVisitor<__R> + ?::core::marker::Sized,
            {
                __visitor.visit_unhandled(&__event.event_name)
            }
        }

        #trait_doc
        pub trait EventVisitor<__R: #runtime::VisitorOutput = ()> {
            #(
                #method_docs
                fn #methods(&mut self, __event: &#structs) -> __R {
                    visit::#methods(self, __event)
                }
            )*

            /// Handles a delivery of an event the schema does not know.
            ///
            /// By default, calls [`visit::visit_unknown`], which hands it to
            /// [`EventVisitor::visit_unhandled`].
            fn visit_unknown(&mut self, __event: &#runtime::UnknownEvent) -> __R {
                visit::visit_unknown(self, __event)
            }

            #unhandled_doc
            fn visit_unhandled(&mut self, __event_name: &::core::primitive::str) -> __R {
                let _ = __event_name;
                <__R as #runtime::VisitorOutput>::unhandled()
            }
        }

        /// Like [`EventVisitor`], but every event must be handled: an implementation that leaves
        /// one out does not compile. Dispatch with [`Event::accept_exhaustive`].
        pub trait ExhaustiveEventVisitor<__R = ()> {
            #(
                #exhaustive_docs
                fn #methods(&mut self, event: &#structs) -> __R;
            )*

            /// Handles a delivery of an event the schema does not know.
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> __R;
        }

        impl Event {
            /// Hands the event to the visitor method for its kind and returns what it returns.
            pub fn accept<__R, __V>(&self, __visitor: &mut __V) -> __R
            where
                __R: #runtime::VisitorOutput,
                __V: EventVisitor<__R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(__event) => <__V as EventVisitor<__R>>::#methods(__visitor, __event), )*
                    Event::Unknown(__event) => <__V as EventVisitor<__R>>::visit_unknown(__visitor, __event),
                }
            }

            /// Hands the event to an [`ExhaustiveEventVisitor`].
            pub fn accept_exhaustive<__R, __V>(&self, __visitor: &mut __V) -> __R
            where
                __V: ExhaustiveEventVisitor<__R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(__event) => <__V as ExhaustiveEventVisitor<__R>>::#methods(__visitor, __event), )*
                    Event::Unknown(__event) => <__V as ExhaustiveEventVisitor<__R>>::visit_unknown(__visitor, __event),
                }
            }
        }

        #[automatically_derived]
        impl<__R, __V> #runtime::Accept<__V, __R> for Event
        where
            __R: #runtime::VisitorOutput,
            __V: EventVisitor<__R> + ?::core::marker::Sized,
        {
            fn accept(&self, __visitor: &mut __V) -> __R {
                Event::accept(self, __visitor)
            }
        }
    }
}

/// The async visitors: `AsyncEventVisitor` (override what you need) and
/// `ExhaustiveAsyncEventVisitor` (every event must be handled), with `Event::accept_async`.
///
/// Every method returns `impl Future<Output = __R> + Send`, so an implementation may be an
/// `async fn` and the dispatch runs on a multi-threaded runtime; a future that is not `Send`
/// is a compile error at the implementation.
pub(super) fn generate_async(cx: &Context<'_, '_>) -> TokenStream {
    let runtime = &cx.runtime;
    let events = &cx.api.events;
    let visitor_output = cx.runtime_link("VisitorOutput");
    let structs: Vec<_> = events.iter().map(struct_ident).collect();
    let methods: Vec<_> = events.iter().map(method).collect();
    let future = quote!(impl ::core::future::Future<Output = __R> + ::core::marker::Send);
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
         `__R` is what every method's future gives: `()` by default, or any [`VisitorOutput`]\n\
         such as `Result<(), E>`. Futures must be `Send`, so dispatch can run on a\n\
         multi-threaded runtime. Dispatch with [`Event::accept_async`]. To be told at compile\n\
         time about an event you do not handle, implement [`ExhaustiveAsyncEventVisitor`].\n\n\
         [`VisitorOutput`]: {visitor_output}"
    ));
    let unhandled_doc = doc(&format!(
        "Called for every event the visitor does not handle, with its wire name.\n\n\
         By default gives [`VisitorOutput::unhandled`]({visitor_output}::unhandled)."
    ));
    quote! {
        #trait_doc
        pub trait AsyncEventVisitor<__R = ()>: ::core::marker::Send
        where
            __R: #runtime::VisitorOutput + ::core::marker::Send,
        {
            #(
                #method_docs
                fn #methods(&mut self, __event: &#structs) -> #future {
                    let _ = __event;
                    self.visit_unhandled(#structs::EVENT_NAME)
                }
            )*

            /// Handles a delivery of an event the schema does not know.
            ///
            /// By default, hands it to [`AsyncEventVisitor::visit_unhandled`].
            fn visit_unknown(&mut self, __event: &#runtime::UnknownEvent) -> #future {
                self.visit_unhandled(&__event.event_name)
            }

            #unhandled_doc
            fn visit_unhandled(&mut self, __event_name: &::core::primitive::str) -> #future {
                let _ = __event_name;
                ::core::future::ready(<__R as #runtime::VisitorOutput>::unhandled())
            }
        }

        /// Like [`AsyncEventVisitor`], but every event must be handled: an implementation that
        /// leaves one out does not compile. Dispatch with [`Event::accept_exhaustive_async`].
        pub trait ExhaustiveAsyncEventVisitor<__R = ()>: ::core::marker::Send {
            #(
                #exhaustive_docs
                fn #methods(&mut self, event: &#structs) -> #future;
            )*

            /// Handles a delivery of an event the schema does not know.
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> #future;
        }

        impl Event {
            /// Hands the event to the async visitor method for its kind and gives what its
            /// future gives.
            pub async fn accept_async<__R, __V>(&self, __visitor: &mut __V) -> __R
            where
                __R: #runtime::VisitorOutput + ::core::marker::Send,
                __V: AsyncEventVisitor<__R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(__event) => <__V as AsyncEventVisitor<__R>>::#methods(__visitor, __event).await, )*
                    Event::Unknown(__event) => <__V as AsyncEventVisitor<__R>>::visit_unknown(__visitor, __event).await,
                }
            }

            /// Hands the event to an [`ExhaustiveAsyncEventVisitor`].
            pub async fn accept_exhaustive_async<__R, __V>(&self, __visitor: &mut __V) -> __R
            where
                __V: ExhaustiveAsyncEventVisitor<__R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(__event) => <__V as ExhaustiveAsyncEventVisitor<__R>>::#methods(__visitor, __event).await, )*
                    Event::Unknown(__event) => <__V as ExhaustiveAsyncEventVisitor<__R>>::visit_unknown(__visitor, __event).await,
                }
            }
        }

        #[automatically_derived]
        impl<__R, __V> #runtime::AcceptAsync<__V, __R> for Event
        where
            __R: #runtime::VisitorOutput + ::core::marker::Send,
            __V: AsyncEventVisitor<__R> + ?::core::marker::Sized,
        {
            fn accept_async(&self, __visitor: &mut __V) -> impl ::core::future::Future<Output = __R> + ::core::marker::Send {
                Event::accept_async(self, __visitor)
            }
        }
    }
}
