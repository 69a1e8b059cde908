//! Datum label checks (spec §2.11): within one top-level datum, every `#n#` must
//! follow its `#n=` in the text, no label may be defined twice, and `#n=#n#` (a label
//! standing only for itself) is refused. The walk uses an explicit stack.

use super::error::{ReadError, ReadErrorKind};
use crate::datum::{Datum, DatumKind};
use crate::span::{Pos, Span};
use std::collections::HashSet;

/// The span of just the `#n=` token at the start of a labelled datum.
fn label_token_span(span: Span, n: u32) -> Span {
    let len = u32::try_from(n.to_string().len() + 2).unwrap_or(0);
    Span {
        hi: span.lo.saturating_add(len),
        end: Pos {
            line: span.start.line,
            col: span.start.col.saturating_add(len),
        },
        ..span
    }
}

/// Checks the labels of one top-level datum, visiting it in text order.
pub(crate) fn check_labels(datum: &Datum) -> Result<(), ReadError> {
    let mut defined = HashSet::new();
    // The flag says the datum is directly labelled by a label whose chain was checked.
    let mut stack = vec![(datum, false)];
    while let Some((d, in_chain)) = stack.pop() {
        match &d.kind {
            DatumKind::Label(n, inner) => {
                if !defined.insert(*n) {
                    let span = label_token_span(d.span, *n);
                    return Err(ReadError::new(ReadErrorKind::DuplicateLabel(*n), span));
                }
                stack.push((inner, true));
                if in_chain {
                    continue;
                }
                // `#0=#1=#0#`: follow the chain of labels down to what they label.
                let mut target: &Datum = inner;
                let mut chain = vec![*n];
                while let DatumKind::Label(m, next) = &target.kind {
                    chain.push(*m);
                    target = next;
                }
                if let DatumKind::LabelRef(m) = target.kind {
                    if chain.contains(&m) {
                        let span = label_token_span(d.span, *n);
                        return Err(ReadError::new(ReadErrorKind::SelfLabel(m), span));
                    }
                }
            }
            DatumKind::LabelRef(n) if !defined.contains(n) => {
                return Err(ReadError::new(ReadErrorKind::UndefinedLabel(*n), d.span));
            }
            DatumKind::List(items, tail) => {
                if let Some(t) = tail {
                    stack.push((t, false));
                }
                stack.extend(items.iter().rev().map(|i| (i, false)));
            }
            DatumKind::Vector(items) => stack.extend(items.iter().rev().map(|i| (i, false))),
            _ => {}
        }
    }
    Ok(())
}
