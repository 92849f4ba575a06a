//! The undo and redo stacks of a variant's timeline (table `clip_history`), inside the caller's
//! transaction so an edit and its history entry are written together.

use rusqlite::{params, Connection, OptionalExtension};

use super::LibraryError;

/// Edits kept to undo, per variant (the oldest go first).
pub const LIMIT: i64 = 100;

#[derive(Debug, Clone, Copy)]
pub enum Stack {
    Undo,
    Redo,
}

impl Stack {
    fn name(self) -> &'static str {
        match self {
            Self::Undo => "undo",
            Self::Redo => "redo",
        }
    }
}

/// Put `timeline` (JSON) on top of `stack`, dropping the oldest past [`LIMIT`].
pub fn push(
    tx: &Connection,
    clip_id: &str,
    stack: Stack,
    label: &str,
    timeline: &str,
) -> Result<(), LibraryError> {
    tx.execute(
        "INSERT INTO clip_history (clip_id, stack, seq, label, timeline)
         VALUES (?1, ?2, COALESCE((SELECT MAX(seq) FROM clip_history WHERE clip_id = ?1 AND stack = ?2), 0) + 1, ?3, ?4)",
        params![clip_id, stack.name(), label, timeline],
    )?;
    tx.execute(
        "DELETE FROM clip_history WHERE clip_id = ?1 AND stack = ?2 AND seq <=
           (SELECT MAX(seq) FROM clip_history WHERE clip_id = ?1 AND stack = ?2) - ?3",
        params![clip_id, stack.name(), LIMIT],
    )?;
    Ok(())
}

/// Take the top of `stack`: its label and timeline (JSON).
pub fn pop(
    tx: &Connection,
    clip_id: &str,
    stack: Stack,
) -> Result<Option<(String, String)>, LibraryError> {
    let top: Option<(i64, String, String)> = tx
        .query_row(
            "SELECT seq, label, timeline FROM clip_history WHERE clip_id = ?1 AND stack = ?2
             ORDER BY seq DESC LIMIT 1",
            params![clip_id, stack.name()],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((seq, label, timeline)) = top else {
        return Ok(None);
    };
    tx.execute(
        "DELETE FROM clip_history WHERE clip_id = ?1 AND stack = ?2 AND seq = ?3",
        params![clip_id, stack.name(), seq],
    )?;
    Ok(Some((label, timeline)))
}

pub fn clear(tx: &Connection, clip_id: &str, stack: Stack) -> Result<(), LibraryError> {
    tx.execute(
        "DELETE FROM clip_history WHERE clip_id = ?1 AND stack = ?2",
        params![clip_id, stack.name()],
    )?;
    Ok(())
}
