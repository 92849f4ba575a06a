//! The editor's verbs on real analysed footage and the real library file: split, move and swap
//! pieces, undo and redo them after the library was closed and opened again, and a bad edit that
//! changes nothing.

mod common;

use edit_factory::analysis::selection::Mode;
use edit_factory::analysis::variants::{generate, VariantRequest};
use edit_factory::editor;
use edit_factory::jobs::{handlers, JobQueue, WorkerConfig, WorkerPool};
use edit_factory::library::Library;
use edit_factory::timeline::edit::ItemEdit;

#[test]
fn edits_undo_and_redo_across_a_restart() {
    let (dir, library) = common::temp_library();
    library
        .set_setting("analyze_after_import", "false")
        .unwrap();
    let profile = library.default_profile().unwrap();
    let project = library.create_project(&profile.id, "Edit", None).unwrap();
    let paths = [
        common::media("video/moviepy_bbb_0_30_vp8_vorbis_music.webm"),
        common::media("video/moviepy_chaplin_h264_mp3.mp4"),
    ];
    let report = common::import(&library, &project.id, &paths);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    let queue = JobQueue::new(library.clone());
    for source in library.project_sources(&project.id).unwrap() {
        queue
            .enqueue_analysis(&source.id, Some(&project.id))
            .unwrap();
    }
    WorkerPool::new(queue, handlers::registry(), WorkerConfig::default())
        .run_until_idle(None)
        .unwrap();
    let request = VariantRequest {
        count: 1,
        target_s: 12.0,
        mode: Mode::Auto,
        seed: 7,
    };
    let (_, clips) = generate(&library, &project.id, &request).unwrap();
    let original = clips[0].clone();
    assert!(original.undo.is_none() && original.redo.is_none());
    let items = &original.timeline.items;
    assert!(items.len() >= 2, "{items:?}");

    // Split the first piece in the middle: two pieces where it was, meeting at the cut.
    let middle = items[0].duration_ns() / 2;
    let split =
        editor::edit_items(&library, &original.id, &ItemEdit::Split { at: middle }).unwrap();
    assert_eq!(split.timeline.items.len(), items.len() + 1);
    assert_eq!(
        split.timeline.items[0].out_ns,
        split.timeline.items[1].in_ns
    );
    assert_eq!(split.undo.as_deref(), Some("Split"));

    // Move the last piece to the front.
    let last = split.timeline.items.last().unwrap().id.clone();
    let moved = editor::edit_items(
        &library,
        &original.id,
        &ItemEdit::Move {
            item_id: last.clone(),
            to: 0,
        },
    )
    .unwrap();
    assert_eq!(moved.timeline.items[0].id, last);

    // Swap it for the best moment the variant does not play yet.
    let swapped = editor::swap_for_next_best(&library, &original.id, &last).unwrap();
    let new = &swapped.timeline.items[0];
    assert_eq!(new.id, last);
    assert!(
        swapped.timeline.items[1..]
            .iter()
            .all(|i| i.source_id != new.source_id
                || i.out_ns <= new.in_ns
                || new.out_ns <= i.in_ns),
        "the swapped-in piece is not already in the variant"
    );
    assert_ne!(
        (&new.source_id, new.in_ns),
        (
            &moved.timeline.items[0].source_id,
            moved.timeline.items[0].in_ns
        )
    );

    // A bad edit changes nothing and adds nothing to undo.
    let refused = editor::edit_items(
        &library,
        &original.id,
        &ItemEdit::Split {
            at: swapped.timeline.duration_ns() * 10,
        },
    );
    assert!(refused.is_err());
    let after_refusal = library.clip(&original.id).unwrap();
    assert_eq!(after_refusal.timeline, swapped.timeline);
    assert_eq!(after_refusal.undo.as_deref(), Some("Swap"));

    // Close the library and open it again: the edits and their undo are still there.
    drop(library);
    let library = Library::open(dir.path()).unwrap();
    let reopened = library.clip(&original.id).unwrap();
    assert_eq!(reopened.timeline, swapped.timeline);
    assert_eq!(
        library.undo_clip(&original.id).unwrap().timeline,
        moved.timeline
    );
    assert_eq!(
        library.undo_clip(&original.id).unwrap().timeline,
        split.timeline
    );
    let back = library.undo_clip(&original.id).unwrap();
    assert_eq!(back.timeline, original.timeline);
    assert!(back.undo.is_none());
    assert_eq!(back.redo.as_deref(), Some("Split"));
    // Nothing left to undo: nothing changes.
    assert_eq!(
        library.undo_clip(&original.id).unwrap().timeline,
        original.timeline
    );
    let redone = library.redo_clip(&original.id).unwrap();
    assert_eq!(redone.timeline, split.timeline);
    // A new edit drops what could be redone.
    let deleted = editor::edit_items(
        &library,
        &original.id,
        &ItemEdit::Delete {
            item_id: redone.timeline.items[0].id.clone(),
        },
    )
    .unwrap();
    assert!(deleted.redo.is_none());
    assert_eq!(deleted.undo.as_deref(), Some("Delete"));
}
