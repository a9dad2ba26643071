//! `wagner ai key …` and `wagner ai prices …`: API keys into the OS keyring
//! (read from stdin so they never sit in shell history or `ps`), and the
//! per-model price table.

use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal};

use clap::Subcommand;

use super::{ProviderKind, keys, prices};
use crate::error::{Error, Result};
use crate::profile::Profile;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum KeyAction {
    /// Save a provider's key: paste it on stdin (e.g. `wagner ai key set groq < key.txt`).
    Set {
        /// anthropic, groq, openrouter or openai_compatible.
        provider: String,
    },
    /// Forget the saved key of a provider.
    Clear { provider: String },
}

#[derive(Debug, Subcommand)]
pub enum PricesAction {
    /// Price a model (USD per million input and output tokens); replaces the built-in price.
    Set {
        model: String,
        #[arg(long)]
        input: f64,
        #[arg(long)]
        output: f64,
    },
    /// Go back to the built-in price of a model (or drop a model you added).
    Reset { model: String },
}

pub fn key(store: &Store, action: KeyAction) -> Result<String> {
    match action {
        KeyAction::Set { provider } => {
            let kind: ProviderKind = provider.parse()?;
            if std::io::stdin().is_terminal() {
                eprintln!("Paste the {} API key and press Enter:", kind.as_str());
            }
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| Error::io("reading the key from stdin", e))?;
            if line.trim().is_empty() {
                return Err(Error::invalid("no key on stdin: paste it, or pipe it in from a file"));
            }
            keys::save(store, kind, Some(&line))?;
            let note = if super::Provider::key_from_env(kind).is_some() {
                format!(" ({} is set too and is used first)", kind.key_env())
            } else {
                String::new()
            };
            Ok(format!("Saved the {} key in {}{note}.\n", kind.as_str(), keys::store_description(store)))
        }
        KeyAction::Clear { provider } => {
            let kind: ProviderKind = provider.parse()?;
            keys::save(store, kind, None)?;
            Ok(format!("Forgot the saved {} key.\n", kind.as_str()))
        }
    }
}

pub async fn prices(
    store: &Store,
    profile: &Profile,
    action: Option<PricesAction>,
    json: bool,
) -> Result<String> {
    let mut overrides = super::price_overrides(store, &profile.id).await?;
    match action {
        Some(PricesAction::Set { model, input, output }) => {
            let price = prices::Price { input_per_mtok: input, output_per_mtok: output };
            prices::validate(&model, price)?;
            overrides.insert(model.trim().to_string(), price);
            super::save_price_overrides(store, &profile.id, &overrides).await?;
        }
        Some(PricesAction::Reset { model }) => {
            if overrides.remove(model.trim()).is_none() {
                return Err(Error::invalid(format!("{model} has no price of yours to reset")));
            }
            super::save_price_overrides(store, &profile.id, &overrides).await?;
        }
        None => {}
    }
    let rows = prices::table(&overrides);
    if json {
        return serde_json::to_string_pretty(&rows)
            .map(|s| s + "\n")
            .map_err(|e| Error::invalid(e.to_string()));
    }
    let mut out = String::from("model                                        in $/Mtok  out $/Mtok\n");
    for r in rows {
        let _ = writeln!(
            out,
            "{:<44} {:>9.2} {:>11.2}{}",
            r.model,
            r.price.input_per_mtok,
            r.price.output_per_mtok,
            if r.overridden { "  (yours)" } else { "" }
        );
    }
    Ok(out)
}
