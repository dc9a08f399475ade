// A Standard-Webhooks-shaped provider: nested objects, string IDs, a closed enum, maps, a
// typed envelope field.
mod billing {
    emma_runtime::include_events!("fixtures/providers/billing.toml");
}

use billing::{Event, EventVisitor, InvoicePaid, InvoiceStatus};

struct Revenue(i64);

impl EventVisitor for Revenue {
    fn visit_invoice_paid(&mut self, event: &InvoicePaid) {
        if event.invoice.status == InvoiceStatus::Paid {
            self.0 += event.invoice.total;
        }
    }
}

fn main() {
    let mut revenue = Revenue(0);
    for text in billing::EventKind::InvoicePaid.examples() {
        let event: Event = text.parse().unwrap();
        event.accept(&mut revenue);
    }
    assert_eq!(revenue.0, 4200);
}
