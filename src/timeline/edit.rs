//! Edits of a timeline's items, as the editor makes them: move, trim, split, delete, swap for
//! another piece, reframe. Captions follow the pictures they were spoken over: each cue keeps its
//! place in its source's time and is moved to wherever that moment now plays (or dropped when the
//! moment was cut out).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{Cue, Framing, Item, Nanos, Timeline};

/// The shortest item an edit may leave (a tenth of a second).
pub const SHORTEST_ITEM: Nanos = 100_000_000;
/// A caption shorter than this after its item was cut is dropped.
const SHORTEST_CUE: Nanos = 200_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum ItemEdit {
    /// Take the item out and put it back at position `to` (0-based, among the items then).
    Move {
        item_id: String,
        to: usize,
    },
    /// New in and out points, source time.
    Trim {
        item_id: String,
        #[ts(type = "number")]
        in_ns: Nanos,
        #[ts(type = "number")]
        out_ns: Nanos,
    },
    /// Cut the item playing at output time `at` in two.
    Split {
        #[ts(type = "number")]
        at: Nanos,
    },
    Delete {
        item_id: String,
    },
    /// Play another piece (`source_id` from `in_ns` to `out_ns`) in the item's place.
    Replace {
        item_id: String,
        source_id: String,
        #[ts(type = "number")]
        in_ns: Nanos,
        #[ts(type = "number")]
        out_ns: Nanos,
    },
    Frame {
        item_id: String,
        framing: Framing,
    },
    /// Take out everything that plays from `from` to `to` (output time), closing the gap: pieces
    /// across an edge are trimmed to it, pieces inside are removed.
    CutRange {
        #[ts(type = "number")]
        from: Nanos,
        #[ts(type = "number")]
        to: Nanos,
    },
}

impl ItemEdit {
    /// What Undo calls it.
    pub fn label(&self) -> &'static str {
        match self {
            Self::Move { .. } => "Move",
            Self::Trim { .. } => "Trim",
            Self::Split { .. } => "Split",
            Self::Delete { .. } => "Delete",
            Self::Replace { .. } => "Swap",
            Self::Frame { .. } => "Framing",
            Self::CutRange { .. } => "Cut range",
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ItemEditError {
    #[error("there is no item {0} in this variant")]
    NoItem(String),
    #[error("an item must last at least 0.1 s")]
    TooShort,
    #[error("the in and out points must lie inside the source (0–{duration_s:.2} s)")]
    OutsideSource { duration_s: f64 },
    #[error("{at_s:.2} s is not inside an item (with 0.1 s on each side)")]
    SplitOutside { at_s: f64 },
    #[error("a variant needs at least one item")]
    LastItem,
    #[error("the focus point must lie in the picture (0–1) and the zoom be 1–4")]
    BadFraming,
    #[error("the range to cut must last at least 0.1 s")]
    RangeTooShort,
    #[error("cutting that range would leave nothing")]
    RangeIsEverything,
}

impl ItemEditError {
    /// What the user can do about it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::SplitOutside { .. } => {
                Some("move the playhead inside a piece, away from its ends")
            }
            Self::OutsideSource { .. } => Some("drag the handle back inside the footage"),
            Self::LastItem => Some("add another piece first, or delete the variant"),
            Self::RangeTooShort => Some("mark the range's start with I and its end with O"),
            Self::RangeIsEverything => Some("mark a shorter range with I and O"),
            _ => None,
        }
    }
}

/// What an edit needs to know besides the timeline: how long a source is, and how long an item
/// plays in the output (its length on the preset's frame grid).
pub struct Context<'a> {
    pub source_duration: &'a dyn Fn(&str) -> Option<Nanos>,
    pub aligned: &'a dyn Fn(Nanos) -> Nanos,
}

/// Each item's output start, as the export lays them out.
pub fn starts(items: &[Item], aligned: &dyn Fn(Nanos) -> Nanos) -> Vec<Nanos> {
    let mut at = 0;
    items
        .iter()
        .map(|item| {
            let start = at;
            at += aligned(item.duration_ns());
            start
        })
        .collect()
}

fn position(timeline: &Timeline, item_id: &str) -> Result<usize, ItemEditError> {
    timeline
        .items
        .iter()
        .position(|i| i.id == item_id)
        .ok_or_else(|| ItemEditError::NoItem(item_id.to_owned()))
}

fn check_span(
    ctx: &Context<'_>,
    source_id: &str,
    in_ns: Nanos,
    out_ns: Nanos,
) -> Result<(), ItemEditError> {
    if out_ns - in_ns < SHORTEST_ITEM {
        return Err(ItemEditError::TooShort);
    }
    let duration = (ctx.source_duration)(source_id).unwrap_or(Nanos::MAX);
    if in_ns < 0 || out_ns > duration {
        return Err(ItemEditError::OutsideSource {
            duration_s: super::seconds(duration),
        });
    }
    Ok(())
}

/// Apply `edit` to `timeline` (unchanged on error).
pub fn apply(
    timeline: &mut Timeline,
    edit: &ItemEdit,
    ctx: &Context<'_>,
) -> Result<(), ItemEditError> {
    let before = timeline.clone();
    match edit {
        ItemEdit::Move { item_id, to } => {
            let from = position(timeline, item_id)?;
            let item = timeline.items.remove(from);
            let to = (*to).min(timeline.items.len());
            timeline.items.insert(to, item);
        }
        ItemEdit::Trim {
            item_id,
            in_ns,
            out_ns,
        } => {
            let at = position(timeline, item_id)?;
            check_span(ctx, &timeline.items[at].source_id, *in_ns, *out_ns)?;
            let item = &mut timeline.items[at];
            item.in_ns = *in_ns;
            item.out_ns = *out_ns;
        }
        ItemEdit::Split { at } => {
            let starts = starts(&timeline.items, ctx.aligned);
            let index = starts
                .iter()
                .zip(&timeline.items)
                .position(|(&start, item)| {
                    *at >= start + SHORTEST_ITEM
                        && *at <= start + item.duration_ns() - SHORTEST_ITEM
                })
                .ok_or(ItemEditError::SplitOutside {
                    at_s: super::seconds(*at),
                })?;
            let cut = timeline.items[index].in_ns + (*at - starts[index]);
            let mut second = timeline.items[index].clone();
            second.id = crate::library::new_id();
            second.in_ns = cut;
            timeline.items[index].out_ns = cut;
            timeline.items.insert(index + 1, second);
        }
        ItemEdit::Delete { item_id } => {
            let at = position(timeline, item_id)?;
            if timeline.items.len() == 1 {
                return Err(ItemEditError::LastItem);
            }
            timeline.items.remove(at);
        }
        ItemEdit::Replace {
            item_id,
            source_id,
            in_ns,
            out_ns,
        } => {
            let at = position(timeline, item_id)?;
            check_span(ctx, source_id, *in_ns, *out_ns)?;
            let item = &mut timeline.items[at];
            item.source_id = source_id.clone();
            item.in_ns = *in_ns;
            item.out_ns = *out_ns;
        }
        ItemEdit::CutRange { from, to } => {
            let (from, to) = ((*from).min(*to), (*from).max(*to));
            if to - from < SHORTEST_ITEM {
                return Err(ItemEditError::RangeTooShort);
            }
            let kept = cut_range(
                &timeline.items,
                &starts(&timeline.items, ctx.aligned),
                from,
                to,
            );
            if kept.is_empty() {
                return Err(ItemEditError::RangeIsEverything);
            }
            timeline.items = kept;
        }
        ItemEdit::Frame { item_id, framing } => {
            let at = position(timeline, item_id)?;
            let inside = |v: f64| (0.0..=1.0).contains(&v);
            if !inside(framing.focus_x)
                || !inside(framing.focus_y)
                || !(1.0..=4.0).contains(&framing.zoom)
            {
                return Err(ItemEditError::BadFraming);
            }
            timeline.items[at].framing = framing.clone();
        }
    }
    follow_captions(&before, timeline, ctx.aligned);
    Ok(())
}

/// `items` (starting at `starts`) without what plays from `from` to `to`. What is left of a piece
/// cut at both ends becomes two pieces; slivers under the shortest item are dropped.
fn cut_range(items: &[Item], starts: &[Nanos], from: Nanos, to: Nanos) -> Vec<Item> {
    let mut kept = Vec::new();
    for (item, &start) in items.iter().zip(starts) {
        let end = start + item.duration_ns();
        if end <= from || start >= to {
            kept.push(item.clone());
            continue;
        }
        if start < from {
            let out = item.in_ns + (from - start);
            if out - item.in_ns >= SHORTEST_ITEM {
                kept.push(Item {
                    out_ns: out,
                    ..item.clone()
                });
            }
        }
        if end > to {
            let in_ns = item.in_ns + (to - start);
            if item.out_ns - in_ns >= SHORTEST_ITEM {
                let id = if start < from {
                    crate::library::new_id()
                } else {
                    item.id.clone()
                };
                kept.push(Item {
                    id,
                    in_ns,
                    ..item.clone()
                });
            }
        }
    }
    kept
}

/// Where output time `t` of `items` comes from: (item index, source time).
fn source_time(items: &[Item], starts: &[Nanos], t: Nanos) -> Option<(usize, Nanos)> {
    let i = items
        .iter()
        .zip(starts)
        .position(|(item, &start)| t >= start && t < start + item.duration_ns())?;
    Some((i, items[i].in_ns + (t - starts[i])))
}

/// Move each cue of `after`'s captions to where the moment it was spoken over plays in `after`.
fn follow_captions(before: &Timeline, after: &mut Timeline, aligned: &dyn Fn(Nanos) -> Nanos) {
    let Some(captions) = after.captions.as_mut() else {
        return;
    };
    let old_starts = starts(&before.items, aligned);
    let new_starts = starts(&after.items, aligned);
    let mut kept: Vec<Cue> = Vec::new();
    for cue in &captions.cues {
        let Some((old, source_t)) = source_time(&before.items, &old_starts, cue.start) else {
            continue;
        };
        let was = &before.items[old];
        // The same item if it is still there and still plays that moment, else any item of the
        // same source that does.
        let plays = |item: &Item| {
            item.source_id == was.source_id && source_t >= item.in_ns && source_t < item.out_ns
        };
        let found = after
            .items
            .iter()
            .position(|i| i.id == was.id && plays(i))
            .or_else(|| after.items.iter().position(plays));
        let Some(new) = found else { continue };
        let item = &after.items[new];
        let shift = new_starts[new] + (source_t - item.in_ns) - cue.start;
        let item_end = new_starts[new] + item.duration_ns();
        let mut moved = cue.clone();
        moved.start += shift;
        moved.end = (moved.end + shift).min(item_end);
        if moved.end - moved.start < SHORTEST_CUE {
            continue;
        }
        moved.words.retain_mut(|w| {
            w.start += shift;
            w.end = (w.end + shift).min(moved.end);
            w.start < moved.end
        });
        kept.push(moved);
    }
    kept.sort_by_key(|c| c.start);
    // Cues moved next to each other must not overlap (the burn-in would stack them).
    for i in 1..kept.len() {
        let limit = kept[i].start;
        if kept[i - 1].end > limit {
            kept[i - 1].end = limit;
            let end = kept[i - 1].end;
            kept[i - 1].words.retain_mut(|w| {
                w.end = w.end.min(end);
                w.start < end
            });
        }
    }
    kept.retain(|c| c.end - c.start >= SHORTEST_CUE / 2);
    captions.cues = kept;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{Captions, Word};

    fn item(id: &str, source: &str, from: f64, to: f64) -> Item {
        Item {
            id: id.into(),
            source_id: source.into(),
            in_ns: super::super::nanos(from),
            out_ns: super::super::nanos(to),
            framing: Framing::default(),
            volume: 1.0,
        }
    }

    fn cue(from: f64, to: f64, text: &str) -> Cue {
        let (start, end) = (super::super::nanos(from), super::super::nanos(to));
        Cue {
            start,
            end,
            text: text.into(),
            words: vec![Word {
                text: text.into(),
                start,
                end,
            }],
        }
    }

    fn ctx_apply(timeline: &mut Timeline, edit: ItemEdit) -> Result<(), ItemEditError> {
        let duration = |_: &str| Some(super::super::nanos(60.0));
        let aligned = |d: Nanos| d;
        apply(
            timeline,
            &edit,
            &Context {
                source_duration: &duration,
                aligned: &aligned,
            },
        )
    }

    fn timeline() -> Timeline {
        let mut t = Timeline::of_items(
            "tiktok",
            vec![item("a", "s", 10.0, 14.0), item("b", "s", 30.0, 33.0)],
        );
        t.captions = Some(Captions {
            cues: vec![cue(1.0, 2.0, "first"), cue(4.5, 5.5, "second")],
            style: Default::default(),
        });
        t
    }

    fn s(ns: Nanos) -> f64 {
        super::super::seconds(ns)
    }

    #[test]
    fn moving_an_item_takes_its_captions_along() {
        let mut t = timeline();
        ctx_apply(
            &mut t,
            ItemEdit::Move {
                item_id: "b".into(),
                to: 0,
            },
        )
        .unwrap();
        assert_eq!(t.items[0].id, "b");
        let cues = &t.captions.as_ref().unwrap().cues;
        // "second" was 0.5 s into b, which now plays first; "first" 1 s into a, which follows b's 3 s.
        assert_eq!(cues[0].text, "second");
        assert!((s(cues[0].start) - 0.5).abs() < 1e-6);
        assert!((s(cues[1].start) - 4.0).abs() < 1e-6);
        assert_eq!(cues[1].words[0].start, cues[1].start);
    }

    #[test]
    fn split_then_delete_drops_the_captions_of_what_was_cut() {
        let mut t = timeline();
        ctx_apply(
            &mut t,
            ItemEdit::Split {
                at: super::super::nanos(3.0),
            },
        )
        .unwrap();
        assert_eq!(t.items.len(), 3);
        assert_eq!((s(t.items[0].out_ns), s(t.items[1].in_ns)), (13.0, 13.0));
        let second_half = t.items[1].id.clone();
        ctx_apply(
            &mut t,
            ItemEdit::Delete {
                item_id: second_half,
            },
        )
        .unwrap();
        let cues = &t.captions.as_ref().unwrap().cues;
        assert_eq!(cues.len(), 2);
        assert!((s(cues[1].start) - 3.5).abs() < 1e-6, "{cues:?}");
    }

    #[test]
    fn cutting_a_range_across_two_pieces_closes_the_gap_and_drops_its_captions() {
        let mut t = timeline();
        // a plays 0–4 s (source 10–14), b 4–7 s (source 30–33); cut 3–5 s.
        ctx_apply(
            &mut t,
            ItemEdit::CutRange {
                from: super::super::nanos(5.0),
                to: super::super::nanos(3.0),
            },
        )
        .unwrap();
        let spans: Vec<(f64, f64)> = t.items.iter().map(|i| (s(i.in_ns), s(i.out_ns))).collect();
        assert_eq!(spans, vec![(10.0, 13.0), (31.0, 33.0)]);
        assert_eq!(s(t.duration_ns()), 5.0);
        let cues = &t.captions.as_ref().unwrap().cues;
        // "first" (1–2 s) stays; "second" (4.5 s, inside the cut) goes.
        assert_eq!(cues.len(), 1, "{cues:?}");
        assert_eq!(cues[0].text, "first");

        // Inside one piece: it becomes two, the second with a new id.
        let mut t = timeline();
        ctx_apply(
            &mut t,
            ItemEdit::CutRange {
                from: super::super::nanos(1.0),
                to: super::super::nanos(2.0),
            },
        )
        .unwrap();
        assert_eq!(t.items.len(), 3);
        assert_eq!((s(t.items[0].out_ns), s(t.items[1].in_ns)), (11.0, 12.0));
        assert_ne!(t.items[0].id, t.items[1].id);

        // Everything, or nothing: refused, unchanged.
        let mut t = timeline();
        let before = t.clone();
        let all = ItemEdit::CutRange {
            from: 0,
            to: super::super::nanos(7.0),
        };
        assert_eq!(
            ctx_apply(&mut t, all),
            Err(ItemEditError::RangeIsEverything)
        );
        let tiny = ItemEdit::CutRange { from: 10, to: 20 };
        assert_eq!(ctx_apply(&mut t, tiny), Err(ItemEditError::RangeTooShort));
        assert_eq!(t, before);
    }

    #[test]
    fn bad_edits_change_nothing() {
        let mut t = timeline();
        let before = t.clone();
        for edit in [
            ItemEdit::Trim {
                item_id: "a".into(),
                in_ns: 0,
                out_ns: 50_000_000,
            },
            ItemEdit::Trim {
                item_id: "a".into(),
                in_ns: 0,
                out_ns: super::super::nanos(61.0),
            },
            ItemEdit::Split {
                at: super::super::nanos(4.05),
            },
            ItemEdit::Delete {
                item_id: "zzz".into(),
            },
            ItemEdit::Frame {
                item_id: "a".into(),
                framing: Framing {
                    zoom: 9.0,
                    ..Framing::default()
                },
            },
        ] {
            assert!(ctx_apply(&mut t, edit).is_err());
            assert_eq!(t, before);
        }
        ctx_apply(
            &mut t,
            ItemEdit::Delete {
                item_id: "a".into(),
            },
        )
        .unwrap();
        assert_eq!(
            ctx_apply(
                &mut t,
                ItemEdit::Delete {
                    item_id: "b".into()
                }
            ),
            Err(ItemEditError::LastItem)
        );
    }
}
