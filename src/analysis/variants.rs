//! A project's variants from its analysed sources: candidates from every source's windows (in
//! project order), picked by [`super::selection`], saved as clips whose timelines (SPEC §2a) carry
//! each piece's suggested crop.

use super::cache;
use super::selection::{self, Candidate, Mode, SourceSpan, Variants};
use super::settings::WindowSettings;
use crate::library::clips::Clip;
use crate::library::sources::Source;
use crate::library::{Library, LibraryError};
use crate::timeline::{nanos, Framing, FramingMode, Item, Timeline};

/// The preset a new variant is made for until the creator picks another.
pub const DEFAULT_PRESET: &str = "tiktok";

#[derive(Debug, Clone)]
pub struct VariantRequest {
    pub count: usize,
    pub target_s: f64,
    pub mode: Mode,
    pub seed: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum VariantsError {
    #[error(transparent)]
    Library(#[from] LibraryError),
    #[error("{count} source(s) of this project are not analysed yet")]
    NotAnalysed {
        count: usize,
        source_ids: Vec<String>,
    },
    #[error("the variant count must be 1 to 10, not {0}")]
    Count(usize),
}

impl VariantsError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Library(e) => e.hint(),
            Self::NotAnalysed { .. } => {
                Some("analyse the project's footage first (the app does it after import)")
            }
            Self::Count(_) => None,
        }
    }
}

/// The project's sources that have picture and no analysis yet.
pub fn unanalysed(library: &Library, project_id: &str) -> Result<Vec<Source>, LibraryError> {
    let mut missing = Vec::new();
    for source in library.project_sources(project_id)? {
        if source.has_video && !cache::has(library, &source.content_hash)? {
            missing.push(source);
        }
    }
    Ok(missing)
}

/// Build the project's variants and save them (selected ones are kept).
pub fn generate(
    library: &Library,
    project_id: &str,
    request: &VariantRequest,
) -> Result<(Variants, Vec<Clip>), VariantsError> {
    if !(1..=10).contains(&request.count) {
        return Err(VariantsError::Count(request.count));
    }
    let missing = unanalysed(library, project_id)?;
    if !missing.is_empty() {
        return Err(VariantsError::NotAnalysed {
            count: missing.len(),
            source_ids: missing.into_iter().map(|s| s.id).collect(),
        });
    }
    let settings = WindowSettings::default();
    let mut spans = Vec::new();
    let mut candidates = Vec::new();
    for source in library
        .project_sources(project_id)?
        .into_iter()
        .filter(|s| s.has_video)
    {
        let Some(analysis) = cache::load(library, &source.content_hash)? else {
            continue;
        };
        spans.push(SourceSpan {
            id: source.id.clone(),
            duration_s: source.duration_s,
        });
        for w in analysis
            .windows(request.target_s, &settings)
            .into_iter()
            .filter(|w| w.rejected.is_none())
        {
            candidates.push(Candidate {
                source_id: source.id.clone(),
                start_s: w.start_s,
                end_s: w.end_s.min(source.duration_s),
                score: w.score,
                motion: w.motion,
                phash: w.phash,
                focus_x: w.focus_x,
                focus_y: w.focus_y,
                favourite: false,
            });
        }
    }
    let variants = selection::build(
        &spans,
        &candidates,
        &selection::Request {
            count: request.count,
            target_s: request.target_s,
            mode: request.mode,
            seed: request.seed,
            duplicate_distance: settings.duplicate_distance,
        },
    );
    let timelines: Vec<Timeline> = variants
        .variants
        .iter()
        .map(|picks| {
            Timeline::of_items(
                DEFAULT_PRESET,
                picks
                    .iter()
                    .map(|p| Item {
                        id: crate::library::new_id(),
                        source_id: p.source_id.clone(),
                        in_ns: nanos(p.start_s),
                        out_ns: nanos(p.end_s),
                        framing: Framing {
                            mode: FramingMode::Fill,
                            focus_x: p.focus_x.clamp(0.0, 1.0),
                            focus_y: p.focus_y.clamp(0.0, 1.0),
                            zoom: 1.0,
                        },
                        volume: 1.0,
                    })
                    .collect(),
            )
        })
        .collect();
    let clips = library.replace_variants(project_id, &timelines)?;
    Ok((variants, clips))
}
