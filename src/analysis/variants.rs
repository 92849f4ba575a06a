//! A project's variants from its analysed sources: candidates from every source's windows (in
//! project order), picked by [`super::selection`], saved as clips whose timelines (SPEC §2a) carry
//! each piece's suggested crop.

use super::cache;
use super::selection::{self, Candidate, Mode, Pick, SourceSpan, Variants};
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
    #[error("no other variant can be made from this footage ({notes})")]
    NoNewVariant { notes: String },
}

impl VariantsError {
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Library(e) => e.hint(),
            Self::NotAnalysed { .. } => {
                Some("analyse the project's footage first (the app does it after import)")
            }
            Self::Count(_) => None,
            Self::NoNewVariant { .. } => {
                Some("add footage or mark more segments, or try another mode")
            }
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
    let made = pick(library, project_id, request, Vec::new())?;
    let timelines: Vec<Timeline> = made.variants.iter().map(|p| timeline_of(p)).collect();
    let clips = library.replace_variants(project_id, &timelines)?;
    Ok((made, clips))
}

/// Make one variant anew, different from the project's others, in place of `clip_id`.
pub fn regenerate_one(
    library: &Library,
    clip_id: &str,
    request: &VariantRequest,
) -> Result<(Variants, Clip), VariantsError> {
    let clip = library.clip(clip_id)?;
    let others: Vec<Vec<Pick>> = library
        .clips(&clip.project_id)?
        .into_iter()
        .filter(|c| c.id != clip.id)
        .map(|c| picks_of(&c.timeline))
        .collect();
    let request = VariantRequest {
        count: 1,
        ..request.clone()
    };
    let mut avoid = others;
    avoid.push(picks_of(&clip.timeline));
    let made = pick(library, &clip.project_id, &request, avoid)?;
    let Some(picks) = made.variants.first() else {
        return Err(VariantsError::NoNewVariant {
            notes: made.notes.join("; "),
        });
    };
    let updated = library.set_clip_timeline(clip_id, &timeline_of(picks))?;
    Ok((made, updated))
}

fn picks_of(timeline: &Timeline) -> Vec<Pick> {
    timeline
        .items
        .iter()
        .map(|i| Pick {
            source_id: i.source_id.clone(),
            start_s: crate::timeline::seconds(i.in_ns),
            end_s: crate::timeline::seconds(i.out_ns),
            focus_x: i.framing.focus_x,
            focus_y: i.framing.focus_y,
        })
        .collect()
}

fn timeline_of(picks: &[Pick]) -> Timeline {
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
}

/// Pick variants from the project's analysed footage and manual segments.
/// Every moment of the project's analysed sources that can be picked (scored windows that were
/// not rejected, and the creator's own segments), with the sources in project order. Windows are
/// cut for pieces of a `target_s`-long variant.
fn pool(
    library: &Library,
    project_id: &str,
    target_s: f64,
) -> Result<(Vec<SourceSpan>, Vec<Candidate>), VariantsError> {
    let missing = unanalysed(library, project_id)?;
    if !missing.is_empty() {
        return Err(VariantsError::NotAnalysed {
            count: missing.len(),
            source_ids: missing.into_iter().map(|s| s.id).collect(),
        });
    }
    let settings = WindowSettings::default();
    let manual = library.segments_for_variants(project_id)?;
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
        let windows = analysis.windows(target_s, &settings);
        for segment in manual.iter().filter(|m| m.source_id == source.id) {
            candidates.push(manual_candidate(segment, &analysis, &windows));
        }
        for w in windows.into_iter().filter(|w| w.rejected.is_none()) {
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
    Ok((spans, candidates))
}

/// The project's moments best first (the creator's favourites ahead), for a `target_s`-long
/// variant: what the editor offers to swap a piece for.
pub fn ranked_pool(
    library: &Library,
    project_id: &str,
    target_s: f64,
) -> Result<Vec<Candidate>, VariantsError> {
    let (_, mut candidates) = pool(library, project_id, target_s)?;
    candidates.sort_by(|a, b| {
        b.favourite
            .cmp(&a.favourite)
            .then(b.score.total_cmp(&a.score))
    });
    Ok(candidates)
}

fn pick(
    library: &Library,
    project_id: &str,
    request: &VariantRequest,
    avoid: Vec<Vec<Pick>>,
) -> Result<Variants, VariantsError> {
    let settings = WindowSettings::default();
    let (spans, candidates) = pool(library, project_id, request.target_s)?;
    Ok(selection::build(
        &spans,
        &candidates,
        &selection::Request {
            count: request.count,
            target_s: request.target_s,
            mode: request.mode,
            seed: request.seed,
            duplicate_distance: settings.duplicate_distance,
            avoid,
        },
    ))
}

/// A segment the creator marked, as a candidate: scored from the windows it covers, with the hash
/// of its middle frame. It is offered even where the windows were rejected: the creator chose it.
fn manual_candidate(
    segment: &crate::library::segments::Segment,
    analysis: &super::SourceAnalysis,
    windows: &[super::windows::Window],
) -> Candidate {
    let covered: Vec<&super::windows::Window> = windows
        .iter()
        .filter(|w| w.start_s < segment.end_s && segment.start_s < w.end_s)
        .collect();
    let mean = |f: fn(&super::windows::Window) -> f64, default: f64| {
        if covered.is_empty() {
            default
        } else {
            covered.iter().map(|w| f(w)).sum::<f64>() / covered.len() as f64
        }
    };
    let middle = (segment.start_s + segment.end_s) / 2.0;
    let phash = analysis
        .frames
        .iter()
        .min_by(|a, b| {
            ((a.t as f64) - middle)
                .abs()
                .total_cmp(&((b.t as f64) - middle).abs())
        })
        .map_or(0, |f| f.phash);
    Candidate {
        source_id: segment.source_id.clone(),
        start_s: segment.start_s,
        end_s: segment.end_s,
        score: mean(|w| w.score, 0.5),
        // Chosen by hand: never dropped for moving too little.
        motion: mean(|w| w.motion, 1.0).max(0.05),
        phash,
        focus_x: mean(|w| w.focus_x, 0.5),
        focus_y: mean(|w| w.focus_y, 0.5),
        favourite: segment.favorite,
    }
}
