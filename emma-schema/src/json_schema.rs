//! JSON Schema (draft 2020-12) for a schema's deliveries: pure functions of the model.
