//! `wagner coach …`: ask a question (the answer streams to stdout, then its
//! sources), or list conversations with what they cost.

use std::io::Write;

use clap::Args;

use super::{AskOptions, CoachEvent, Message, conversations, month_usage};
use crate::ai::{self, Cancel};
use crate::error::{Error, Result};
use crate::profile;
use crate::store::Store;

#[derive(Debug, Args)]
pub struct CoachArgs {
    /// The question, e.g. "how much protein did I average this week?".
    pub question: Option<String>,
    /// Continue a conversation (its id from `wagner coach --list`).
    #[arg(long, value_name = "ID")]
    pub conversation: Option<String>,
    /// Answer from your data only, without the AI provider.
    #[arg(long)]
    pub offline: bool,
    /// List conversations with their tokens and cost.
    #[arg(long, conflicts_with = "question")]
    pub list: bool,
    /// Print every message of a conversation.
    #[arg(long, value_name = "ID", conflicts_with_all = ["question", "list"])]
    pub show: Option<String>,
}

fn io(e: std::io::Error) -> Error {
    Error::io("writing to stdout", e)
}

pub fn sources_line(m: &Message) -> Option<String> {
    let used = m.context_used.as_ref()?;
    let mut parts: Vec<String> = used
        .retrieved
        .iter()
        .map(|r| format!("{} {} ({}) score {:.2}", r.kind, r.date, short(&r.text, 40), r.score))
        .collect();
    parts.extend(used.stats.iter().cloned());
    (!parts.is_empty()).then(|| format!("based on: {}", parts.join("; ")))
}

fn short(text: &str, n: usize) -> String {
    if text.chars().count() <= n {
        text.to_string()
    } else {
        format!("{}…", text.chars().take(n).collect::<String>())
    }
}

/// Runs the command, writing as it goes (the answer streams).
pub async fn run(store: &Store, args: CoachArgs, as_json: bool) -> Result<()> {
    let profile = profile::require_default(store).await?;
    let mut out = std::io::stdout();
    if args.list {
        let list = conversations(store, &profile.id).await?;
        let month = crate::clock::now().format("%Y-%m").to_string();
        let usage = month_usage(store, &profile.id, &month).await?;
        if as_json {
            let v = serde_json::json!({"conversations": list, "month": month, "month_usage": usage});
            return writeln!(out, "{v}").map_err(io);
        }
        if list.is_empty() {
            writeln!(out, "No conversations yet: ask with `wagner coach \"…\"`.").map_err(io)?;
        }
        for c in &list {
            writeln!(
                out,
                "{}  {}  {} messages  {} tokens  ${:.4}  {}",
                c.id,
                c.last_at.get(..10).unwrap_or(&c.last_at),
                c.messages,
                c.tokens,
                c.cost_usd,
                short(&c.title, 60)
            )
            .map_err(io)?;
        }
        return writeln!(
            out,
            "This month ({month}): {} answers, {} tokens, ${:.4}",
            usage.answers, usage.tokens, usage.cost_usd
        )
        .map_err(io);
    }
    if let Some(id) = args.show {
        let all = super::messages(store, &profile.id, &id).await?;
        if as_json {
            return writeln!(out, "{}", serde_json::json!(all)).map_err(io);
        }
        for m in &all {
            writeln!(out, "{}: {}", m.role, m.content).map_err(io)?;
            if let Some(line) = sources_line(m) {
                writeln!(out, "  {line}").map_err(io)?;
            }
        }
        return Ok(());
    }
    let Some(question) = args.question else {
        return Err(Error::invalid(
            "ask a question: wagner coach \"how much protein did I average this week?\"",
        ));
    };
    let provider = if args.offline { None } else { ai::configured_provider(store, &profile.id).await? };
    let options = AskOptions { conversation_id: args.conversation, offline: args.offline, now: None };
    let cancel = Cancel::new();
    let mut failed_write = None;
    let mut on_event = |event: CoachEvent| {
        if as_json {
            return;
        }
        let written = match &event {
            CoachEvent::Delta { text } => write!(out, "{text}").and_then(|()| out.flush()),
            CoachEvent::Error { message } => {
                eprintln!("\nthe answer broke off: {message}");
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = written {
            failed_write.get_or_insert(e);
        }
    };
    let message =
        super::ask(store, &profile, provider.as_ref(), &question, &options, &cancel, &mut on_event).await?;
    if let Some(e) = failed_write {
        return Err(io(e));
    }
    if as_json {
        return writeln!(out, "{}", serde_json::json!(message)).map_err(io);
    }
    writeln!(out).map_err(io)?;
    if let Some(line) = sources_line(&message) {
        writeln!(out, "\n{line}").map_err(io)?;
    }
    let tokens = message.tokens_input.unwrap_or(0) + message.tokens_output.unwrap_or(0);
    let who = match (&message.ai_provider, &message.ai_model) {
        (Some(p), Some(m)) => format!("{p} · {m}"),
        (Some(p), None) => p.clone(),
        _ => "offline".into(),
    };
    writeln!(
        out,
        "{who} · {tokens} tokens · ${:.4} (conversation ${:.4}) · conversation {}",
        message.cost_usd, message.conversation_cost_usd, message.conversation_id
    )
    .map_err(io)
}
