//! Tauri commands: argument checking and a call into the engine each. Ids from the UI are parsed
//! as UUIDs before use; file paths come only from the OS file dialog or drag-and-drop.
//!
//! Every command is declared once, in [`commands!`], which makes it an async Tauri command whose
//! body runs on the blocking pool (never on the main thread, which draws the window) and records
//! its signature for the generated TypeScript (`ui/src/bindings/commands.ts`).

use std::path::PathBuf;

use edit_factory::analysis::selection::Mode;
use edit_factory::analysis::variants::{generate, regenerate_one, VariantRequest};
use edit_factory::analysis::{cache, Overview};
use edit_factory::captions::edit::CaptionEdit;
use edit_factory::captions::{CaptionStyle, CuePreset};
use edit_factory::editor;
use edit_factory::jobs::JobSpec;
use edit_factory::jobs::{Job, JobSummary, NewJob};
use edit_factory::library::clips::{Clip, ExportRecord};
use edit_factory::library::profiles::Profile;
use edit_factory::library::projects::Project;
use edit_factory::library::segments::{Segment, SegmentEdit, SegmentFilter};
use edit_factory::library::sources::Source;
use edit_factory::library::{parse_id, Access};
use edit_factory::render::encoders::Encoder;
use edit_factory::render::plan::ExportPlan;
use edit_factory::render::preview::PreviewPlan;
use edit_factory::render::Preset;
use edit_factory::speech::apply::Removal;
use edit_factory::speech::clip::{self as speech_clip, SourceSpeech};
use edit_factory::speech::models::{
    download_source, set_download_source, CatalogueModel, InstalledModel, ModelStore, CATALOGUE,
};
use edit_factory::timeline::edit::ItemEdit;
use edit_factory::timeline::{AudioMode, Music, Voiceover};
use edit_factory::user_error::UserError;
use serde::Serialize;
use ts_rs::TS;

#[cfg(test)]
use crate::bindings::{CommandSpec, Imports};
use crate::state::AppState;

/// How long deleting a project waits for its jobs to stop.
const DELETE_WAIT: std::time::Duration = std::time::Duration::from_secs(15);

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub library_dir: String,
    /// Every media URL starts with this (loopback server with this session's secret).
    pub media_base_url: String,
    /// The library cannot be written (opened read-only): nothing can be changed.
    pub read_only: bool,
}

/// Variants as made, and what could not be done as asked.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct VariantsMade {
    pub clips: Vec<Clip>,
    pub notes: Vec<String>,
}

/// Run `work` on the blocking pool: database and media work never runs on the main thread.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, UserError> + Send + 'static,
) -> Result<T, UserError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|e| UserError::new(format!("internal error: {e}"), None))?
}

macro_rules! commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident($state:ident $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty $body:block
    )*) => {
        $(
            $(#[doc = $doc])*
            #[tauri::command]
            pub async fn $name(
                app: tauri::State<'_, AppState>,
                $($arg: $ty),*
            ) -> Result<$ret, UserError> {
                let $state = app.inner().clone();
                blocking(move || -> Result<$ret, UserError> { $body }).await
            }
        )*

        /// The signature of every command, for the generated TypeScript.
        #[cfg(test)]
        pub fn specs() -> Vec<CommandSpec> {
            vec![$({
                let mut imports = Imports(Vec::new());
                $(<Imports as ts_rs::TypeVisitor>::visit::<$ty>(&mut imports);)*
                <Imports as ts_rs::TypeVisitor>::visit::<$ret>(&mut imports);
                CommandSpec {
                    name: stringify!($name),
                    doc: concat!($($doc, "\n",)* ""),
                    args: vec![$((stringify!($arg), <$ty as TS>::name())),*],
                    returns: <$ret as TS>::name(),
                    imports: imports.0,
                }
            }),*]
        }

        /// Tauri's dispatcher for every command above.
        pub fn handler<R: tauri::Runtime>(
        ) -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($name),*]
        }
    };
}

commands! {
    /// What the window needs to start: versions, where the library is, the media server.
    fn app_info(state) -> AppInfo {
        Ok(AppInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            library_dir: state.library.dir().display().to_string(),
            media_base_url: state.media.base_url(),
            read_only: state.library.access() == Access::ReadOnly,
        })
    }

    fn profiles_list(state) -> Vec<Profile> {
        Ok(state.library.profiles()?)
    }

    fn profile_create(state, name: String) -> Profile {
        Ok(state.library.create_profile(&name, "")?)
    }

    /// Switch to a profile: it becomes the default, for this window and the CLI alike.
    fn profile_select(state, profile_id: String) -> Profile {
        Ok(state.library.set_default_profile(&parse_id(&profile_id)?)?)
    }

    fn projects_list(state, profile_id: String) -> Vec<Project> {
        Ok(state.library.projects(&parse_id(&profile_id)?)?)
    }

    fn project_create(state, profile_id: String, name: String, target_duration_s: Option<f64>) -> Project {
        Ok(state
            .library
            .create_project(&parse_id(&profile_id)?, &name, target_duration_s)?)
    }

    fn project_rename(state, project_id: String, name: String) -> Project {
        Ok(state.library.rename_project(&parse_id(&project_id)?, &name)?)
    }

    /// Delete a project; its queued and running jobs are cancelled first.
    fn project_delete(state, project_id: String) -> () {
        Ok(state.queue.delete_project(&parse_id(&project_id)?, DELETE_WAIT)?)
    }

    fn sources_list(state, project_id: String) -> Vec<Source> {
        Ok(state.library.project_sources(&parse_id(&project_id)?)?)
    }

    /// Import files and folders the user picked in the OS dialog or dropped on the window, as a
    /// durable job the background workers run (progress arrives as job events).
    fn import_start(state, project_id: String, paths: Vec<String>) -> JobSummary {
        let project_id = state.library.project(&parse_id(&project_id)?)?.id;
        let paths: Vec<PathBuf> = paths.into_iter().map(PathBuf::from).collect();
        Ok(state.queue.enqueue(&NewJob::import(&project_id, &paths))?.summary())
    }

    /// Re-check a project's source files (moved or changed) as a job.
    fn verify_start(state, project_id: String) -> JobSummary {
        let project_id = state.library.project(&parse_id(&project_id)?)?.id;
        Ok(state.queue.enqueue(&NewJob::verify_sources(&project_id))?.summary())
    }

    /// Active jobs and the most recent finished ones (from any process using this library).
    fn jobs_list(state) -> Vec<JobSummary> {
        Ok(state.queue.list(20)?)
    }

    /// One job with its payload and result.
    fn job_get(state, job_id: String) -> Job {
        Ok(state.library.jobs().get(&parse_id(&job_id)?)?)
    }

    fn job_cancel(state, job_id: String) -> JobSummary {
        Ok(state.queue.cancel(&parse_id(&job_id)?)?.summary())
    }

    fn job_retry(state, job_id: String) -> JobSummary {
        Ok(state.queue.retry(&parse_id(&job_id)?)?.summary())
    }

    /// What exporting these variants into a folder would write, and what the platform would reject.
    fn export_plan(state, clip_ids: Vec<String>, preset: String, folder: String) -> ExportPlan {
        Ok(edit_factory::render::plan::plan(&state.library, &clip_ids, &preset, &export_folder(&folder)?)?)
    }

    /// Export variants (one job each) with a preset and an encoder (from `encoders_list`; x264
    /// when absent) into a folder; refuses to overwrite unless asked.
    fn export_start(state, clip_ids: Vec<String>, preset: String, encoder: Option<String>, folder: String, overwrite: bool) -> Vec<JobSummary> {
        if let Some(name) = &encoder {
            if !state.encoders().iter().any(|e| &e.name == name) {
                return Err(UserError::new(format!("the encoder {name:?} is not available here"), Some("choose one of the listed encoders")));
            }
        }
        let plan = edit_factory::render::plan::plan(&state.library, &clip_ids, &preset, &export_folder(&folder)?)?;
        if let Some(taken) = plan.outputs.iter().find(|o| o.exists && !overwrite) {
            return Err(UserError::new(
                format!("{} exists already", taken.path),
                Some("choose another folder, or allow replacing files"),
            ));
        }
        let mut jobs = Vec::new();
        for output in plan.outputs {
            let clip = state.library.clip(&output.clip_id)?;
            let spec = edit_factory::jobs::JobSpec::Export {
                clip_id: clip.id.clone(),
                preset: preset.clone(),
                out_path: output.path,
                encoder: encoder.clone(),
            };
            jobs.push(state.queue.enqueue(&NewJob::new(spec, Some(&clip.project_id)))?.summary());
        }
        Ok(jobs)
    }

    /// A variant's verified exports, newest first, with their measured numbers and encoder.
    fn clip_exports(state, clip_id: String) -> Vec<ExportRecord> {
        Ok(state.library.exports(&parse_id(&clip_id)?)?)
    }

    /// Show an export in the file manager. The file is found by the export's id in the library,
    /// never by a path from the window.
    fn export_reveal(state, clip_id: String, export_id: String) -> () {
        let exports = state.library.exports(&parse_id(&clip_id)?)?;
        let export_id = parse_id(&export_id)?;
        let record = exports.iter().find(|e| e.id == export_id).ok_or_else(|| {
            UserError::new("that export is not in the library", Some("export the variant again"))
        })?;
        if !record.file_present {
            return Err(UserError::new(
                format!("{} is no longer there", record.path),
                Some("it was moved or deleted; export the variant again"),
            ));
        }
        tauri_plugin_opener::reveal_item_in_dir(&record.path)
            .map_err(|e| UserError::new(format!("could not open the file manager: {e}"), None))
    }

    /// The H.264 encoders that work on this machine, x264 first.
    fn encoders_list(state) -> Vec<Encoder> {
        Ok(state.encoders().to_vec())
    }

    /// The export presets.
    fn presets_list(state) -> Vec<Preset> {
        Ok(state.library.presets()?)
    }

    /// A source's analysis at a glance (`null` until it is analysed).
    fn source_analysis(state, source_id: String, target_s: f64) -> Option<Overview> {
        let source = state.library.source(&parse_id(&source_id)?)?;
        Ok(cache::load(&state.library, &source.content_hash)?.map(|a| a.overview(target_s)))
    }

    /// Analyse a source now (a job; nothing happens when one is already queued or running).
    fn analyze_start(state, source_id: String) -> JobSummary {
        let source = state.library.source(&parse_id(&source_id)?)?;
        Ok(state.queue.enqueue_analysis(&source.id, None)?.summary())
    }

    /// Build a project's variants from its analysed footage (selected variants are kept).
    fn variants_generate(state, project_id: String, count: u32, target_s: f64, mode: Mode, seed: u32) -> VariantsMade {
        let request = VariantRequest {
            count: count as usize,
            target_s,
            mode,
            seed: seed as u64,
        };
        let (made, clips) = generate(&state.library, &parse_id(&project_id)?, &request)?;
        Ok(VariantsMade { clips, notes: made.notes })
    }

    /// Make one variant anew, different from the project's others.
    fn variant_regenerate(state, clip_id: String, target_s: f64, mode: Mode, seed: u32) -> Clip {
        let request = VariantRequest {
            count: 1,
            target_s,
            mode,
            seed: seed as u64,
        };
        Ok(regenerate_one(&state.library, &parse_id(&clip_id)?, &request)?.1)
    }

    fn clips_list(state, project_id: String) -> Vec<Clip> {
        Ok(state.library.clips(&parse_id(&project_id)?)?)
    }

    /// Keep (or stop keeping) a variant through regeneration.
    fn clip_select(state, clip_id: String, selected: bool) -> Clip {
        Ok(state.library.select_clip(&parse_id(&clip_id)?, selected)?)
    }

    fn clip_rename(state, clip_id: String, name: String) -> Clip {
        Ok(state.library.rename_clip(&parse_id(&clip_id)?, &name)?)
    }

    /// A copy of the variant at the end of the project's list.
    fn clip_duplicate(state, clip_id: String) -> Clip {
        Ok(state.library.duplicate_clip(&parse_id(&clip_id)?)?)
    }

    /// Delete the variant (its exported files stay where they are).
    fn clip_delete(state, clip_id: String) -> () {
        Ok(state.library.delete_clip(&parse_id(&clip_id)?)?)
    }

    /// The segment library, filtered.
    fn segments_list(state, filter: SegmentFilter) -> Vec<Segment> {
        let mut filter = filter;
        filter.source_id = filter.source_id.as_deref().map(parse_id).transpose()?;
        filter.profile_id = filter.profile_id.as_deref().map(parse_id).transpose()?;
        Ok(state.library.segments(&filter)?)
    }

    /// Mark a segment of a source.
    fn segment_create(state, source_id: String, start_s: f64, end_s: f64, keywords: Vec<String>, notes: String, favorite: bool) -> Segment {
        Ok(state.library.create_segment(&parse_id(&source_id)?, start_s, end_s, &keywords, &notes, favorite)?)
    }

    fn segment_edit(state, segment_id: String, edit: SegmentEdit) -> Segment {
        Ok(state.library.edit_segment(&parse_id(&segment_id)?, &edit)?)
    }

    fn segment_delete(state, segment_id: String) -> () {
        Ok(state.library.delete_segment(&parse_id(&segment_id)?)?)
    }

    /// The speech models installed and offered for download.
    fn models_list(state) -> ModelsOverview {
        let store = model_store()?;
        Ok(ModelsOverview {
            dir: edit_factory::text::printable_path(store.dir()),
            installed: store.list()?,
            catalogue: CATALOGUE.to_vec(),
            downloads_from: download_source(&state.library)?,
        })
    }

    /// Download catalogue models from another address (a mirror), or from the default again.
    fn models_set_source(state, address: Option<String>) -> String {
        Ok(set_download_source(&state.library, address.as_deref())?)
    }

    /// Install a model file the user picked in the OS dialog.
    fn model_import(state, path: String) -> InstalledModel {
        let _ = &state;
        Ok(model_store()?.import(&picked_file(&path)?, None)?)
    }

    /// Download a catalogue model (a job with progress; it resumes if interrupted).
    fn model_download(state, name: String) -> JobSummary {
        if !CATALOGUE.iter().any(|m| m.name == name) {
            return Err(UserError::new(format!("{name:?} is not in the catalogue"), None));
        }
        let spec = JobSpec::DownloadModel { name, url: None, sha256: None };
        Ok(state.queue.enqueue(&NewJob::new(spec, None))?.summary())
    }

    fn model_remove(state, name: String) -> () {
        let _ = &state;
        Ok(model_store()?.remove(&name)?)
    }

    /// Move, trim, split, delete, swap or reframe a piece of the variant (one undoable step).
    fn clip_edit(state, clip_id: String, edit: ItemEdit) -> Clip {
        editor::edit_items(&state.library, &parse_id(&clip_id)?, &edit)
    }

    /// Swap a piece for the best moment of the project the variant does not already play.
    fn clip_swap(state, clip_id: String, item_id: String) -> Clip {
        editor::swap_for_next_best(&state.library, &parse_id(&clip_id)?, &item_id)
    }

    /// Take back the variant's last edit (kept with the variant, so it works after a restart).
    fn clip_undo(state, clip_id: String) -> Clip {
        Ok(state.library.undo_clip(&parse_id(&clip_id)?)?)
    }

    /// Put back the edit last taken back.
    fn clip_redo(state, clip_id: String) -> Clip {
        Ok(state.library.redo_clip(&parse_id(&clip_id)?)?)
    }

    /// How to play the variant in the editor straight from its sources: item times, framing and
    /// sound envelopes as the export computes them.
    fn clip_preview(state, clip_id: String) -> PreviewPlan {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        Ok(edit_factory::render::preview::plan(&state.library, &clip.timeline)?)
    }

    /// Queue the preview copies the variant's sources lack (one job per source, never twice).
    fn clip_proxies(state, clip_id: String) -> Vec<JobSummary> {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        let plan = edit_factory::render::preview::plan(&state.library, &clip.timeline)?;
        let mut jobs = Vec::new();
        for source_id in &plan.unproxied {
            jobs.push(state.queue.enqueue_proxy(source_id)?.summary());
        }
        Ok(jobs)
    }

    /// Queue the filmstrips the project's footage lacks (one job per source, never twice).
    fn project_filmstrips(state, project_id: String) -> Vec<JobSummary> {
        let project_id = parse_id(&project_id)?;
        let sources = state.library.project_sources(&project_id)?;
        Ok(state
            .queue
            .enqueue_missing_filmstrips(&sources, Some(project_id.as_str()))?
            .iter()
            .map(|job| job.summary())
            .collect())
    }

    /// Queue the waveforms (plain, or `denoised`) the variant's footage lacks (one job per source,
    /// never twice).
    fn clip_waveforms(state, clip_id: String, denoised: bool) -> Vec<JobSummary> {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        let mut ids: Vec<&str> = clip.timeline.items.iter().map(|i| i.source_id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        let sources = ids
            .into_iter()
            .map(|id| state.library.source(id))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(state
            .queue
            .enqueue_missing_waveforms(&sources, denoised, Some(clip.project_id.as_str()))?
            .iter()
            .map(|job| job.summary())
            .collect())
    }

    /// What is known of the speech of a variant's sources.
    fn clip_speech(state, clip_id: String) -> Vec<SourceSpeech> {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        Ok(speech_clip::sources_of(&state.library, &clip)?)
    }

    /// Captions from the variant's transcripts; sources not transcribed yet get a job each (with
    /// the preferred installed model) and are named in the answer.
    fn captions_generate(state, clip_id: String, preset: CuePreset) -> SpeechStep {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        match speech_clip::generate_captions(&state.library, &clip, preset)? {
            Ok(clip) => Ok(SpeechStep::done(clip)),
            Err(missing) => {
                let model = model_store()?.preferred()?.0.name;
                let specs = missing
                    .iter()
                    .map(|source_id| JobSpec::Transcribe {
                        source_id: source_id.clone(),
                        model: Some(model.clone()),
                        language: None,
                    })
                    .collect();
                wait_for(&state, clip, specs)
            }
        }
    }

    /// One cue edit (text, times, split, merge, shift, delete).
    fn caption_edit(state, clip_id: String, edit: CaptionEdit) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        speech_clip::edit_captions(&state.library, &clip, &edit)
    }

    fn caption_style(state, clip_id: String, style: CaptionStyle) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        speech_clip::style_captions(&state.library, &clip, &style)
    }

    /// Replace the cues with an SRT or VTT file the user picked.
    fn captions_import(state, clip_id: String, path: String) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        speech_clip::import_captions(&state.library, &clip, &picked_file(&path)?)
    }

    /// Save the captions where the user chose in the save dialog (.srt, .vtt, .ass, .json, .csv).
    fn captions_save(state, clip_id: String, path: String) -> () {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        speech_clip::save_captions(&state.library, &clip, &chosen_destination(&path)?)
    }

    /// Keep, mute or duck the voices in the footage; sources not listened to yet get a job each.
    fn clip_voice(state, clip_id: String, mode: AudioMode) -> SpeechStep {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        match speech_clip::set_voice(&state.library, &clip, mode)? {
            Ok(clip) => Ok(SpeechStep::done(clip)),
            Err(missing) => listen_first(&state, clip, &missing),
        }
    }

    /// Set or remove the variant's background music (a source of the library with sound).
    fn clip_music(state, clip_id: String, music: Option<Music>) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        let mut music = music;
        if let Some(m) = music.as_mut() {
            m.asset_id = parse_id(&m.asset_id)?;
        }
        speech_clip::set_music(&state.library, &clip, music)
    }

    /// Lay a voice-over (a library recording) under the variant, or take it away.
    fn clip_voiceover(state, clip_id: String, voiceover: Option<Voiceover>) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        let mut voiceover = voiceover;
        if let Some(v) = voiceover.as_mut() {
            v.asset_id = parse_id(&v.asset_id)?;
        }
        speech_clip::set_voiceover(&state.library, &clip, voiceover)
    }

    /// Reduce steady background noise (fans, hum, wind) in the footage's own sound, or stop.
    fn clip_denoise(state, clip_id: String, on: bool) -> Clip {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        speech_clip::set_denoise(&state.library, &clip, on)
    }

    /// Cut the pauses out of the variant's speech (jump cuts).
    fn clip_cut_silences(state, clip_id: String) -> SpeechStep {
        let clip = state.library.clip(&parse_id(&clip_id)?)?;
        match speech_clip::cut_silences(&state.library, &clip)? {
            Ok((clip, removal)) => Ok(SpeechStep { removal: Some(removal), ..SpeechStep::done(clip) }),
            Err(missing) => listen_first(&state, clip, &missing),
        }
    }
}

/// The speech models on this machine and the ones offered.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ModelsOverview {
    pub dir: String,
    pub installed: Vec<InstalledModel>,
    pub catalogue: Vec<CatalogueModel>,
    pub downloads_from: String,
}

/// A speech change to a variant: made (`clip` is the result), or waiting for the jobs that find
/// or transcribe its sources' speech first.
#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct SpeechStep {
    pub clip: Clip,
    pub waiting_for: Vec<JobSummary>,
    pub removal: Option<Removal>,
}

impl SpeechStep {
    fn done(clip: Clip) -> Self {
        Self {
            clip,
            waiting_for: Vec::new(),
            removal: None,
        }
    }

    fn waiting(clip: Clip, jobs: Vec<JobSummary>) -> Self {
        Self {
            clip,
            waiting_for: jobs,
            removal: None,
        }
    }
}

/// Queue one job per spec for the variant's project; the change waits for them.
fn wait_for(state: &AppState, clip: Clip, specs: Vec<JobSpec>) -> Result<SpeechStep, UserError> {
    let jobs = specs
        .into_iter()
        .map(|spec| {
            Ok(state
                .queue
                .enqueue(&NewJob::new(spec, Some(&clip.project_id)))?
                .summary())
        })
        .collect::<Result<Vec<_>, UserError>>()?;
    Ok(SpeechStep::waiting(clip, jobs))
}

/// Listen to `sources` first (voice activity jobs).
fn listen_first(state: &AppState, clip: Clip, sources: &[String]) -> Result<SpeechStep, UserError> {
    let specs = sources
        .iter()
        .map(|source_id| JobSpec::Voice {
            source_id: source_id.clone(),
        })
        .collect();
    wait_for(state, clip, specs)
}

fn model_store() -> Result<ModelStore, UserError> {
    Ok(ModelStore::new(&edit_factory::app_dirs::models_dir()?))
}

/// A file the user picked in the OS dialog: absolute and present.
fn picked_file(path: &str) -> Result<PathBuf, UserError> {
    let path = PathBuf::from(path);
    if !path.is_absolute() || !path.is_file() {
        return Err(UserError::new(
            "that file is not there",
            Some("pick the file again"),
        ));
    }
    Ok(path)
}

/// Where the save dialog said to write: absolute, in a folder that exists.
fn chosen_destination(path: &str) -> Result<PathBuf, UserError> {
    let path = PathBuf::from(path);
    if !path.is_absolute() || !path.parent().is_some_and(|p| p.is_dir()) {
        return Err(UserError::new(
            "that folder does not exist",
            Some("choose another place"),
        ));
    }
    Ok(path)
}

/// The event carrying a [`JobSummary`] whenever this app's workers change a job.
pub const JOB_UPDATED: &str = "job-updated";

/// Every event: (TypeScript constant, event name, payload type, payload import).
#[cfg(test)]
pub fn events() -> Vec<(&'static str, &'static str, String, (String, String))> {
    let mut imports = Imports(Vec::new());
    <Imports as ts_rs::TypeVisitor>::visit::<JobSummary>(&mut imports);
    vec![(
        "JOB_UPDATED",
        JOB_UPDATED,
        <JobSummary as TS>::name(),
        imports.0.remove(0),
    )]
}

/// The folder the user chose for exports (a path the file dialog returned), which must exist.
fn export_folder(folder: &str) -> Result<PathBuf, UserError> {
    let folder = PathBuf::from(folder);
    if !folder.is_absolute() || !folder.is_dir() {
        return Err(UserError::new(
            "the export folder does not exist",
            Some("choose another folder"),
        ));
    }
    Ok(folder)
}
