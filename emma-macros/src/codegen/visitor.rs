//! The visitor: `EventVisitor` (override what you need), `ExhaustiveEventVisitor` (every event
//! must be handled), the `visit` module of default behaviours, and `Event::accept`.
//!
//! As in syn's `Visit`, each default method body calls a free function of the `visit` module,
//! so an override can still fall back to the default.

use super::{doc, runtime, struct_ident};
use emma_schema::{EventDef, Schema};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

fn method(event: &EventDef) -> Ident {
    format_ident!("visit_{}", event.snake_name)
}

pub fn generate(schema: &Schema) -> TokenStream {
    let runtime = runtime();
    let structs: Vec<_> = schema.events.iter().map(struct_ident).collect();
    let methods: Vec<_> = schema.events.iter().map(method).collect();
    let method_docs: Vec<_> = schema
        .events
        .iter()
        .map(|event| {
            doc(&format!(
                "Handles a `{}` delivery: {}\n\nBy default, calls [`visit::{}`], which hands the event to [`EventVisitor::visit_unhandled`].",
                event.name,
                event.summary,
                method(event)
            ))
        })
        .collect();
    let exhaustive_docs = schema.events.iter().map(|event| {
        doc(&format!(
            "Handles a `{}` delivery: {}",
            event.name, event.summary
        ))
    });
    let default_docs = schema.events.iter().map(|event| {
        doc(&format!(
            "The default of [`EventVisitor::{}`]: hands the event to [`EventVisitor::visit_unhandled`].",
            method(event)
        ))
    });
    quote! {
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

        /// Handles deliveries one event at a time: implement the methods for the events you care
        /// about; the others go to [`EventVisitor::visit_unhandled`].
        ///
        /// `R` is what every method returns: `()` by default, or any [`VisitorOutput`]
        /// such as `Result<(), E>` (unhandled events give `Ok(())`). Dispatch with
        /// [`Event::accept`]. To be told at compile time about an event you do not handle,
        /// implement [`ExhaustiveEventVisitor`] instead.
        ///
        /// [`VisitorOutput`]: #runtime::VisitorOutput
        pub trait EventVisitor<R: #runtime::VisitorOutput = ()> {
            #(
                #method_docs
                fn #methods(&mut self, event: &#structs) -> R {
                    visit::#methods(self, event)
                }
            )*

            /// Handles a delivery of an event the schema does not know.
            ///
            /// By default, calls [`visit::visit_unknown`], which hands it to
            /// [`EventVisitor::visit_unhandled`].
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> R {
                visit::visit_unknown(self, event)
            }

            /// Called for every event the visitor does not handle, with its wire name.
            ///
            /// By default returns [`VisitorOutput::unhandled`](#runtime::VisitorOutput::unhandled).
            fn visit_unhandled(&mut self, event_name: &str) -> R {
                let _ = event_name;
                <R as #runtime::VisitorOutput>::unhandled()
            }
        }

        /// Like [`EventVisitor`], but every event must be handled: an implementation that leaves
        /// one out does not compile. Dispatch with [`Event::accept_exhaustive`].
        pub trait ExhaustiveEventVisitor<R = ()> {
            #(
                #exhaustive_docs
                fn #methods(&mut self, event: &#structs) -> R;
            )*

            /// Handles a delivery of an event the schema does not know.
            fn visit_unknown(&mut self, event: &#runtime::UnknownEvent) -> R;
        }

        impl Event {
            /// Hands the event to the visitor method for its kind and returns what it returns.
            pub fn accept<R, V>(&self, visitor: &mut V) -> R
            where
                R: #runtime::VisitorOutput,
                V: EventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(event) => <V as EventVisitor<R>>::#methods(visitor, event), )*
                    Event::Unknown(event) => <V as EventVisitor<R>>::visit_unknown(visitor, event),
                }
            }

            /// Hands the event to an [`ExhaustiveEventVisitor`].
            pub fn accept_exhaustive<R, V>(&self, visitor: &mut V) -> R
            where
                V: ExhaustiveEventVisitor<R> + ?::core::marker::Sized,
            {
                match self {
                    #( Event::#structs(event) => <V as ExhaustiveEventVisitor<R>>::#methods(visitor, event), )*
                    Event::Unknown(event) => <V as ExhaustiveEventVisitor<R>>::visit_unknown(visitor, event),
                }
            }
        }
    }
}
