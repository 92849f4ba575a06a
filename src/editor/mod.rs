//! The editor's verbs on a variant: item edits (move, trim, split, delete, swap, reframe) checked
//! against the sources and the preset's frame grid, swapping a piece for the next-best moment of
//! the project's ranked pool, and undo/redo, which the library keeps with the variant (so both
//! survive a restart).

use crate::analysis::variants::ranked_pool;
use crate::library::clips::Clip;
use crate::library::Library;
use crate::timeline::edit::{self, Context, ItemEdit, ItemEditError};
use crate::timeline::{nanos, Nanos};
use crate::user_error::UserError;

/// Apply `item_edit` to the variant and save it as one undoable step.
pub fn edit_items(
    library: &Library,
    clip_id: &str,
    item_edit: &ItemEdit,
) -> Result<Clip, UserError> {
    edit_items_then(library, clip_id, item_edit, |_| {})
}

/// [`edit_items`], with `finish` making further changes that belong to the same step.
fn edit_items_then(
    library: &Library,
    clip_id: &str,
    item_edit: &ItemEdit,
    finish: impl FnOnce(&mut crate::timeline::Timeline),
) -> Result<Clip, UserError> {
    let clip = library.clip(clip_id)?;
    let mut timeline = clip.timeline.clone();
    let preset = library
        .preset(&timeline.preset)?
        .ok_or_else(|| crate::render::RenderError::UnknownPreset(timeline.preset.clone()))?;
    if let ItemEdit::Replace { source_id, .. } = item_edit {
        let source = library.source(source_id)?;
        if !source.has_video {
            return Err(UserError::new(
                format!("{} has no picture", source.file_name),
                Some("swap in a piece of a video"),
            ));
        }
    }
    let durations = durations(library, &clip, item_edit)?;
    let duration = |id: &str| durations.iter().find(|(s, _)| s == id).map(|(_, d)| *d);
    let aligned = |d: Nanos| preset.frame_aligned_ns(d);
    edit::apply(
        &mut timeline,
        item_edit,
        &Context {
            source_duration: &duration,
            aligned: &aligned,
        },
    )?;
    finish(&mut timeline);
    Ok(library.edit_clip_timeline(clip_id, &timeline, item_edit.label())?)
}

/// The lengths of the sources an edit may touch.
fn durations(
    library: &Library,
    clip: &Clip,
    item_edit: &ItemEdit,
) -> Result<Vec<(String, Nanos)>, UserError> {
    let mut ids: Vec<String> = clip
        .timeline
        .items
        .iter()
        .map(|i| i.source_id.clone())
        .collect();
    if let ItemEdit::Replace { source_id, .. } = item_edit {
        ids.push(source_id.clone());
    }
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let source = library.source(&id)?;
            Ok((id, nanos(source.duration_s)))
        })
        .collect()
}

/// A swapped-in piece is at least this long (or as long as the piece it replaces, if shorter).
const MIN_SWAP: Nanos = 1_000_000_000;

/// The longest part of `span` outside every one of `taken`.
fn longest_free(span: (Nanos, Nanos), taken: &[(Nanos, Nanos)]) -> (Nanos, Nanos) {
    let mut taken = taken.to_vec();
    taken.sort_unstable();
    let mut best = (span.0, span.0);
    let mut from = span.0;
    for (start, end) in taken.into_iter().chain([(span.1, span.1)]) {
        let to = start.min(span.1);
        if to - from > best.1 - best.0 {
            best = (from, to);
        }
        from = from.max(end);
        if from >= span.1 {
            break;
        }
    }
    best
}

/// Swap the item for the best moment of the project's pool that the variant does not already
/// play, as long as the item where it can be.
pub fn swap_for_next_best(
    library: &Library,
    clip_id: &str,
    item_id: &str,
) -> Result<Clip, UserError> {
    let clip = library.clip(clip_id)?;
    let item = clip
        .timeline
        .items
        .iter()
        .find(|i| i.id == item_id)
        .ok_or_else(|| ItemEditError::NoItem(item_id.to_owned()))?;
    let target_s = crate::timeline::seconds(clip.timeline.duration_ns()).max(5.0);
    let pool = ranked_pool(library, &clip.project_id, target_s)?;
    // The longest stretch of each candidate the variant does not play yet (the piece being
    // swapped out included), best candidate first.
    let shortest = item.duration_ns().min(MIN_SWAP);
    let (next, in_ns, out_ns) = pool
        .iter()
        .find_map(|c| {
            let taken: Vec<(Nanos, Nanos)> = clip
                .timeline
                .items
                .iter()
                .filter(|i| i.source_id == c.source_id)
                .map(|i| (i.in_ns, i.out_ns))
                .collect();
            let (start, end) = longest_free((nanos(c.start_s), nanos(c.end_s)), &taken);
            (end - start >= shortest).then(|| (c, start, end.min(start + item.duration_ns())))
        })
        .ok_or_else(|| {
            UserError::new(
                "every good moment of this project's footage is already in the variant",
                Some("import more footage, or mark segments in the segment player"),
            )
        })?;
    // The new piece is framed around its own subject, in the same step.
    let framing = crate::timeline::Framing {
        focus_x: next.focus_x.clamp(0.0, 1.0),
        focus_y: next.focus_y.clamp(0.0, 1.0),
        ..item.framing.clone()
    };
    edit_items_then(
        library,
        clip_id,
        &ItemEdit::Replace {
            item_id: item_id.to_owned(),
            source_id: next.source_id.clone(),
            in_ns,
            out_ns,
        },
        |timeline| {
            if let Some(i) = timeline.items.iter_mut().find(|i| i.id == item_id) {
                i.framing = framing;
            }
        },
    )
}

#[cfg(test)]
mod tests {
    use super::longest_free;

    #[test]
    fn the_longest_free_stretch_skips_what_is_taken() {
        assert_eq!(longest_free((0, 10), &[]), (0, 10));
        assert_eq!(longest_free((0, 10), &[(2, 4), (5, 6)]), (6, 10));
        let (from, to) = longest_free((0, 10), &[(0, 10)]);
        assert_eq!(to - from, 0, "nothing is free");
        assert_eq!(longest_free((3, 10), &[(0, 5), (8, 20)]), (5, 8));
    }
}
