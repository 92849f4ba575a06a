//! Projects: a profile's unit of work, drawing variants from its sources.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::Serialize;
use ts_rs::TS;

use super::{audit, new_id, Library, LibraryError, NOW_SQL};

pub const DEFAULT_TARGET_S: f64 = 20.0;
pub const TARGET_RANGE_S: std::ops::RangeInclusive<f64> = 5.0..=180.0;

/// Where a project is in its life (SPEC §2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
#[serde(rename_all = "snake_case")]
pub enum ProjectStatus {
    Draft,
    Analysing,
    Ready,
    Rendering,
    Done,
    Failed,
}

impl ProjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Analysing => "analysing",
            Self::Ready => "ready",
            Self::Rendering => "rendering",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "analysing" => Self::Analysing,
            "ready" => Self::Ready,
            "rendering" => Self::Rendering,
            "done" => Self::Done,
            "failed" => Self::Failed,
            _ => Self::Draft,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct Project {
    pub id: String,
    pub profile_id: String,
    pub name: String,
    pub description: String,
    pub status: ProjectStatus,
    pub target_duration_s: f64,
    pub source_count: u32,
    pub created_at: String,
    pub updated_at: String,
}

const SELECT: &str =
    "SELECT p.id, p.profile_id, p.name, p.description, p.status, p.target_duration_s,
        (SELECT COUNT(*) FROM project_sources ps WHERE ps.project_id = p.id),
        p.created_at, p.updated_at
    FROM projects p";

fn from_row(row: &Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get(0)?,
        profile_id: row.get(1)?,
        name: row.get(2)?,
        description: row.get(3)?,
        status: ProjectStatus::parse(&row.get::<_, String>(4)?),
        target_duration_s: row.get(5)?,
        source_count: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

fn clean_name(name: &str) -> Result<String, LibraryError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(LibraryError::Invalid(
            "a project name must have 1 to 200 characters, none of them control characters".into(),
        ));
    }
    Ok(name.to_owned())
}

pub(crate) fn get(conn: &Connection, id: &str) -> Result<Project, LibraryError> {
    conn.query_row(&format!("{SELECT} WHERE p.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| LibraryError::NotFound {
            entity: "project",
            id: id.to_owned(),
        })
}

/// Jobs of a project that are queued or running.
pub(crate) fn active_jobs(conn: &Connection, project_id: &str) -> rusqlite::Result<u32> {
    conn.query_row(
        "SELECT COUNT(*) FROM jobs WHERE project_id = ?1 AND status IN ('queued', 'running')",
        [project_id],
        |r| r.get(0),
    )
}

impl Library {
    pub fn create_project(
        &self,
        profile_id: &str,
        name: &str,
        target_duration_s: Option<f64>,
    ) -> Result<Project, LibraryError> {
        let name = clean_name(name)?;
        let target = target_duration_s.unwrap_or(DEFAULT_TARGET_S);
        if !TARGET_RANGE_S.contains(&target) {
            return Err(LibraryError::Invalid(format!(
                "the target duration must be between {} and {} seconds, not {target}",
                TARGET_RANGE_S.start(),
                TARGET_RANGE_S.end()
            )));
        }
        let id = new_id();
        let project = self.write(|tx| {
            super::profiles::get(tx, profile_id)?;
            tx.execute(
                &format!(
                    "INSERT INTO projects (id, profile_id, name, target_duration_s, created_at, updated_at)
                     VALUES (?1, ?2, ?3, ?4, {NOW_SQL}, {NOW_SQL})"
                ),
                params![id, profile_id, name, target],
            )?;
            audit(tx, "user", "create", &format!("project:{id}"), &name)?;
            get(tx, &id)
        })?;
        tracing::info!(project = %id, "project created");
        Ok(project)
    }

    pub fn project(&self, id: &str) -> Result<Project, LibraryError> {
        self.read(|conn| get(conn, id))
    }

    /// The projects of one profile, newest first.
    pub fn projects(&self, profile_id: &str) -> Result<Vec<Project>, LibraryError> {
        self.read(|conn| {
            let mut stmt = conn.prepare(&format!(
                "{SELECT} WHERE p.profile_id = ?1 ORDER BY p.created_at DESC"
            ))?;
            let rows = stmt.query_map([profile_id], from_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    pub fn rename_project(&self, id: &str, name: &str) -> Result<Project, LibraryError> {
        let name = clean_name(name)?;
        self.write(|tx| {
            let before = get(tx, id)?;
            tx.execute(
                &format!("UPDATE projects SET name = ?2, updated_at = {NOW_SQL} WHERE id = ?1"),
                params![id, name],
            )?;
            audit(
                tx,
                "user",
                "rename",
                &format!("project:{id}"),
                &format!("{} -> {name}", before.name),
            )?;
            get(tx, id)
        })
    }

    /// Delete a project and what belongs only to it. Its sources stay in the profile's library
    /// (footage is never touched on disk). Refused while any of its jobs is queued or running:
    /// cancel them first (`jobs::JobQueue::delete_project` does, and waits).
    pub fn delete_project(&self, id: &str) -> Result<(), LibraryError> {
        self.write(|tx| {
            let before = get(tx, id)?;
            let active = active_jobs(tx, id)?;
            if active > 0 {
                return Err(LibraryError::ProjectHasJobs {
                    name: before.name,
                    active,
                });
            }
            tx.execute("DELETE FROM projects WHERE id = ?1", [id])?;
            audit(tx, "user", "delete", &format!("project:{id}"), &before.name)?;
            Ok(())
        })?;
        tracing::info!(project = %id, "project deleted");
        Ok(())
    }
}
