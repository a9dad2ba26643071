//! Keeping a conversation inside the model's context window: the newest
//! turns are kept whole; older ones are folded into a short summary of
//! what was asked and answered (extractive, so it costs no model call).

use crate::ai::{ProviderKind, Turn};

/// A rough token count (≈ 4 characters a token for English text, plus the
/// per-message overhead of the chat formats). Errs on the high side.
pub fn estimate_tokens(text: &str) -> usize {
    text.chars().count().div_ceil(4) + 4
}

/// The context window assumed for a model, in tokens. Local servers are
/// often run with small windows, so they get a conservative one.
pub fn context_window(kind: ProviderKind, model: &str) -> usize {
    match kind {
        ProviderKind::Anthropic => 200_000,
        ProviderKind::Groq | ProviderKind::Openrouter => {
            if model.contains("8b") {
                32_000
            } else {
                128_000
            }
        }
        ProviderKind::OpenaiCompatible => 8_192,
    }
}

fn text_of(turn: &Turn) -> &str {
    match turn {
        Turn::User { text, .. } | Turn::Assistant { text } => text,
    }
}

fn first_words(text: &str, n: usize) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let mut s = words.iter().take(n).copied().collect::<Vec<_>>().join(" ");
    if words.len() > n {
        s.push('…');
    }
    s
}

/// What came out of [`fit`]: the turns to send and, when older turns were
/// dropped, a summary of them to add to the system prompt.
#[derive(Debug, Clone)]
pub struct Fitted {
    pub turns: Vec<Turn>,
    pub summary: Option<String>,
    pub dropped: usize,
}

/// Keeps the newest turns whose estimated size, with the system prompt and
/// room for the answer, fits `window`. The last turn (the question) is always
/// kept, cut to fit if it alone is too long. The kept turns start with a user
/// turn, as both APIs require.
pub fn fit(system: &str, turns: &[Turn], window: usize, answer_tokens: usize) -> Fitted {
    let budget = window.saturating_sub(estimate_tokens(system) + answer_tokens);
    // The summary needs room too: keep a tenth of the budget for it.
    let summary_room = budget / 10;
    let mut used = 0;
    let mut start = turns.len();
    for (i, turn) in turns.iter().enumerate().rev() {
        let cost = estimate_tokens(text_of(turn));
        if i + 1 < turns.len() && used + cost > budget.saturating_sub(summary_room) {
            break;
        }
        used += cost;
        start = i;
    }
    while start < turns.len().saturating_sub(1) && matches!(turns[start], Turn::Assistant { .. }) {
        start += 1;
    }
    let mut kept: Vec<Turn> = turns[start..].to_vec();
    if let Some(Turn::User { text, .. }) = kept.last_mut()
        && estimate_tokens(text) > budget
    {
        let chars = budget.saturating_sub(4) * 4;
        *text = text.chars().take(chars).collect();
    }
    let dropped = &turns[..start];
    let summary = (!dropped.is_empty()).then(|| {
        let mut s = format!("Earlier in this conversation ({} messages, summarised):", dropped.len());
        let per = 24;
        for turn in dropped.iter().rev() {
            let line = match turn {
                Turn::User { text, .. } => format!("\n- the user asked: {}", first_words(text, per)),
                Turn::Assistant { text } => format!("\n- you answered: {}", first_words(text, per)),
            };
            if estimate_tokens(&s) + estimate_tokens(&line) > summary_room.max(32) {
                break;
            }
            // Newest dropped first while building, so the most recent context survives the cut.
            s.push_str(&line);
        }
        s
    });
    Fitted { turns: kept, summary, dropped: start }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conversation(pairs: usize, words: usize) -> Vec<Turn> {
        let mut turns = Vec::new();
        for i in 0..pairs {
            turns.push(Turn::user(format!("question {i} {}", "protein ".repeat(words))));
            turns.push(Turn::Assistant { text: format!("answer {i} {}", "eggs ".repeat(words)) });
        }
        turns.push(Turn::user("the newest question"));
        turns
    }

    #[test]
    fn short_conversations_are_sent_whole() {
        let turns = conversation(3, 10);
        let f = fit("system", &turns, 8_192, 1_024);
        assert_eq!(f.turns.len(), turns.len());
        assert!(f.summary.is_none());
    }

    #[test]
    fn long_conversations_keep_the_newest_turns_and_summarise_the_rest() {
        let turns = conversation(200, 60);
        let window = 8_192;
        let f = fit("system prompt", &turns, window, 1_024);
        assert!(f.dropped > 0 && f.turns.len() < turns.len());
        let total: usize = f.turns.iter().map(|t| estimate_tokens(text_of(t))).sum::<usize>()
            + estimate_tokens("system prompt")
            + f.summary.as_deref().map_or(0, estimate_tokens);
        assert!(total + 1_024 <= window, "{total} tokens do not fit");
        assert!(matches!(f.turns[0], Turn::User { .. }));
        assert_eq!(text_of(f.turns.last().unwrap()), "the newest question");
        let summary = f.summary.unwrap();
        // The most recent dropped exchange is in the summary.
        let last_dropped = text_of(&turns[f.dropped - 1]);
        assert!(summary.contains(&first_words(last_dropped, 3).replace('…', "")), "{summary}");
    }

    #[test]
    fn a_huge_question_is_cut_to_fit() {
        let turns = vec![Turn::user("x ".repeat(50_000))];
        let f = fit("s", &turns, 8_192, 1_024);
        assert!(estimate_tokens(text_of(&f.turns[0])) <= 8_192 - 1_024);
    }
}
