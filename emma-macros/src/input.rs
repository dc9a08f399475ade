//! The macro's input: `"path"`, optionally followed by `, crate = path`.

use syn::parse::{Parse, ParseStream};

/// `include_events!("path" [, crate = path])`.
pub struct Input {
    /// The schema file, relative to the calling crate's `Cargo.toml`.
    pub path: syn::LitStr,
    /// The path the generated code names the runtime by, when not `::emma_runtime`.
    pub runtime: Option<syn::Path>,
}

impl Parse for Input {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let path: syn::LitStr = input.parse()?;
        let mut runtime = None;
        if input.parse::<Option<syn::Token![,]>>()?.is_some() && !input.is_empty() {
            input.parse::<syn::Token![crate]>()?;
            input.parse::<syn::Token![=]>()?;
            runtime = Some(input.parse()?);
            input.parse::<Option<syn::Token![,]>>()?;
        }
        if !input.is_empty() {
            return Err(input.error("expected the schema path, then optionally `crate = path`"));
        }
        Ok(Input { path, runtime })
    }
}
