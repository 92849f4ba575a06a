//! Argument parsing and dispatch. Human-readable output by default, `--json` for scripts.

mod analyze;
mod export;
mod jobs;
mod output;
mod short;
mod short_speech;
mod speech;
mod variants;

use std::path::PathBuf;

use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use edit_factory::app_dirs;
use edit_factory::jobs::{CancelToken, JobOutcome, JobQueue, JobStatus, NewJob};
use edit_factory::library::segments::{SegmentEdit, SegmentFilter};
use edit_factory::library::{parse_id, Access, Library};
use edit_factory::media;
use edit_factory::text::{printable, printable_path};
use edit_factory::user_error::UserError;

#[derive(Parser)]
#[command(
    name = "edit-factory",
    version,
    about = "Edit Factory: turn local footage into short videos"
)]
pub struct Args {
    /// Library directory (default: the OS app-data dir)
    #[arg(long, global = true, env = app_dirs::LIBRARY_ENV, value_name = "DIR")]
    library: Option<PathBuf>,
    /// Log level on stderr (error, warn, info, debug, trace)
    #[arg(long, global = true, default_value = "error", value_name = "LEVEL")]
    log_level: String,
    #[command(subcommand)]
    command: Command,
}

impl Args {
    pub fn log_level(&self) -> &str {
        &self.log_level
    }
}

#[derive(Subcommand)]
enum Command {
    /// Show what a media file contains
    Probe {
        file: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Create, list, rename and delete projects
    #[command(subcommand)]
    Project(ProjectCommand),
    /// List and create profiles (workspaces)
    #[command(subcommand)]
    Profile(ProfileCommand),
    /// Import files or folders (recursively) into a project, as a job
    Import {
        project_id: String,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
        /// Only queue the job (print its id); `jobs run` or the app runs it
        #[arg(long)]
        detach: bool,
    },
    /// Re-check a project's source files, marking moved or changed ones, as a job
    Verify {
        project_id: String,
        #[arg(long)]
        json: bool,
        #[arg(long)]
        detach: bool,
    },
    /// Analyse footage: scene cuts and scored windows (cached in the library by content)
    Analyze {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Target length of a variant, which sets the window length (seconds)
        #[arg(long, default_value_t = 20.0, value_name = "SECONDS")]
        target: f64,
        #[arg(long)]
        json: bool,
    },
    /// Build a project's variants (analysing what is not analysed yet) and save them
    Variants {
        project_id: String,
        /// How many variants (1-10)
        #[arg(long, default_value_t = 3)]
        count: usize,
        /// Length of each variant in seconds (default: the project's target)
        #[arg(long, value_name = "SECONDS")]
        target: Option<f64>,
        /// auto (best first), random, or sequential
        #[arg(long, default_value = "auto")]
        mode: String,
        /// Seed for the random mode (the same seed gives the same variants)
        #[arg(long, default_value_t = 0)]
        seed: u64,
        #[arg(long)]
        json: bool,
    },
    /// The main job: import FILEs, analyse them, build N variants and export each to DIR
    Short {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Length of each short, seconds (5-180)
        #[arg(long, value_name = "SECONDS")]
        target: f64,
        /// How many shorts (1-10)
        #[arg(long, default_value_t = 3, value_name = "N")]
        variants: usize,
        #[arg(long, default_value = "tiktok")]
        preset: String,
        /// H.264 encoder element (see `edit-factory encoders`)
        #[arg(long, default_value = "x264enc")]
        encoder: String,
        /// Folder for the files, named {project}_{variant}_{preset}.mp4
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// Replace files of the same name in DIR
        #[arg(long)]
        overwrite: bool,
        /// Burn in captions of the speech (needs an installed speech model: `model list`)
        #[arg(long)]
        captions: bool,
        /// Silence the speakers' voices in the footage
        #[arg(long, conflicts_with = "duck_voice")]
        mute_voice: bool,
        /// Lower the speakers' voices in the footage (to about -30 dB)
        #[arg(long)]
        duck_voice: bool,
        /// Cut the pauses out of speech (jump cuts)
        #[arg(long)]
        remove_silence: bool,
        /// Reduce steady background noise (fans, hum, wind) in the footage's sound (RNNoise)
        #[arg(long)]
        denoise: bool,
        #[arg(long)]
        json: bool,
    },
    /// List, cancel, retry and run jobs
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Render a timeline (a JSON file, or a saved variant) to a checked MP4
    Export {
        /// A timeline as JSON (SPEC 2a)
        #[arg(long, value_name = "FILE.json", conflicts_with = "clip")]
        timeline: Option<PathBuf>,
        /// A saved variant, by id
        #[arg(long, value_name = "CLIP_ID")]
        clip: Option<String>,
        #[arg(long, default_value = "tiktok")]
        preset: String,
        /// H.264 encoder element (see `edit-factory encoders`)
        #[arg(long, default_value = "x264enc")]
        encoder: String,
        #[arg(long, value_name = "FILE.mp4")]
        out: PathBuf,
        /// Replace the output file if it exists
        #[arg(long)]
        overwrite: bool,
        #[arg(long)]
        json: bool,
    },
    /// The export presets
    #[command(subcommand)]
    Preset(PresetCommand),
    /// The H.264 encoders that work on this machine (hardware ones are tried with a short encode)
    Encoders {
        #[arg(long)]
        json: bool,
    },
    /// Mark, list, edit and delete segments of sources by hand
    #[command(subcommand)]
    Segment(SegmentCommand),
    /// Read and change app settings (e.g. `settings set analyze_after_import false`)
    #[command(subcommand)]
    Settings(SettingsCommand),
    /// List a project's sources
    #[command(subcommand)]
    Source(SourceCommand),
    /// Transcribe speech to words with times (offline, Whisper)
    Transcribe {
        file: PathBuf,
        /// A ggml model file, or the name of an installed model (default: the best installed)
        #[arg(long, value_name = "PATH|NAME")]
        model: Option<String>,
        /// Language code (en, fr …) or auto
        #[arg(long, value_name = "CODE")]
        language: Option<String>,
        /// srt, vtt, ass, json (words with times) or csv
        #[arg(long)]
        format: String,
        /// How captions are grouped for srt, vtt, ass and csv: tiktok, shorts, standard, sentence
        #[arg(long, default_value = "standard")]
        preset: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Find the stretches of speech in a file (Silero voice activity)
    Vad {
        file: PathBuf,
        /// Speech probability from which a frame counts as speech
        #[arg(long, default_value_t = 0.5)]
        threshold: f32,
        /// Shortest speech kept, seconds
        #[arg(long, default_value_t = 0.25, value_name = "S")]
        min_speech: f64,
        /// Shortest pause that ends speech, seconds
        #[arg(long, default_value_t = 0.1, value_name = "S")]
        min_silence: f64,
        #[arg(long)]
        json: bool,
    },
    /// What to keep of a file when its silences are cut
    Silence {
        file: PathBuf,
        /// Pauses shorter than this stay, seconds
        #[arg(long, default_value_t = 0.3, value_name = "S")]
        min_silence: f64,
        /// Kept around speech, seconds
        #[arg(long, default_value_t = 0.08, value_name = "S")]
        padding: f64,
        #[arg(long)]
        json: bool,
    },
    /// Caption files
    #[command(subcommand)]
    Captions(CaptionsCommand),
    /// Speech models: list, import, download, remove
    #[command(subcommand)]
    Model(ModelCommand),
}

#[derive(Subcommand)]
enum CaptionsCommand {
    /// Read an SRT or VTT file and write it as .srt, .vtt, .ass, .json or .csv
    Convert { input: PathBuf, output: PathBuf },
}

#[derive(Subcommand)]
enum ModelCommand {
    /// Installed models and the ones offered for download
    List {
        #[arg(long)]
        json: bool,
    },
    /// Install a ggml model file you have
    Import {
        file: PathBuf,
        /// Name to install it under (default: from the file name)
        #[arg(long)]
        name: Option<String>,
    },
    /// Download a model (resumes an interrupted download; checks size and SHA-256)
    Download {
        /// A name from `model list` (e.g. base.en), or any name with --url
        name: String,
        /// Download from this address instead of the catalogue's
        #[arg(long)]
        url: Option<String>,
        /// Where catalogue models are fetched from
        #[arg(long, env = "EDIT_FACTORY_MODELS_URL", value_name = "URL")]
        base_url: Option<String>,
        /// Expected SHA-256 (default: the one the server declares)
        #[arg(long)]
        sha256: Option<String>,
        /// Expected size in bytes
        #[arg(long)]
        size: Option<u64>,
    },
    /// Remove an installed model
    Remove { name: String },
}

#[derive(Subcommand)]
enum ProjectCommand {
    /// Create a project in the default (or given) profile; prints its id
    Create {
        name: String,
        /// Target duration of each variant in seconds (5-180)
        #[arg(long, value_name = "SECONDS")]
        target: Option<f64>,
        #[arg(long, value_name = "PROFILE_ID")]
        profile: Option<String>,
    },
    List {
        #[arg(long, value_name = "PROFILE_ID")]
        profile: Option<String>,
        #[arg(long)]
        json: bool,
    },
    Rename {
        id: String,
        name: String,
    },
    Delete {
        id: String,
    },
}

#[derive(Subcommand)]
enum ProfileCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Create a profile; prints its id
    Create {
        name: String,
        #[arg(long, default_value = "")]
        description: String,
    },
    /// Make a profile the default
    Default { id: String },
}

#[derive(Subcommand)]
enum JobsCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Cancel a queued or running job
    Cancel { id: String },
    /// Queue a failed or cancelled job again
    Retry { id: String },
    /// Run queued jobs until none are left, with progress bars
    Run,
}

#[derive(Subcommand)]
enum SegmentCommand {
    /// Mark a segment of a source; prints its id
    Add {
        source_id: String,
        #[arg(long, value_name = "SECONDS")]
        start: f64,
        #[arg(long, value_name = "SECONDS")]
        end: f64,
        /// A keyword (repeat for several): intro, product, demo, close-up, transition, outro, talking, or any word
        #[arg(long = "keyword", value_name = "WORD")]
        keywords: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
        #[arg(long)]
        favorite: bool,
    },
    /// The segment library, filtered
    List {
        #[arg(long, value_name = "SOURCE_ID")]
        source: Option<String>,
        #[arg(long)]
        keyword: Option<String>,
        /// Only favourites
        #[arg(long)]
        favorite: bool,
        /// At least this long (seconds)
        #[arg(long, value_name = "SECONDS")]
        min: Option<f64>,
        /// At most this long (seconds)
        #[arg(long, value_name = "SECONDS")]
        max: Option<f64>,
        #[arg(long)]
        json: bool,
    },
    /// Change a segment (keywords given replace the old ones)
    Edit {
        id: String,
        #[arg(long)]
        start: Option<f64>,
        #[arg(long)]
        end: Option<f64>,
        #[arg(long = "keyword", value_name = "WORD")]
        keywords: Vec<String>,
        #[arg(long)]
        note: Option<String>,
        #[arg(long, value_name = "true|false")]
        favorite: Option<bool>,
    },
    Delete {
        id: String,
    },
    /// Give a project these segments, in this order
    Assign {
        project_id: String,
        segment_ids: Vec<String>,
    },
}

#[derive(Subcommand)]
enum PresetCommand {
    List {
        #[arg(long)]
        json: bool,
    },
    /// Save a preset of your own, starting from another and changing what you give
    Add {
        /// a-z, 0-9, _ and -
        name: String,
        /// The preset to start from
        #[arg(long, default_value = "tiktok")]
        from: String,
        #[arg(long)]
        label: Option<String>,
        #[arg(long)]
        width: Option<u32>,
        #[arg(long)]
        height: Option<u32>,
        #[arg(long)]
        fps: Option<u32>,
        /// x264 quality (0-51, lower is better)
        #[arg(long)]
        crf: Option<u32>,
        /// Bitrate ceiling, kbit/s
        #[arg(long)]
        max_kbps: Option<u32>,
        /// x264 speed preset (ultrafast ... veryslow)
        #[arg(long)]
        speed: Option<String>,
        #[arg(long)]
        audio_kbps: Option<u32>,
        /// Integrated loudness target, LUFS
        #[arg(long, allow_hyphen_values = true)]
        loudness: Option<f64>,
        /// True-peak ceiling, dBTP
        #[arg(long, allow_hyphen_values = true)]
        true_peak: Option<f64>,
    },
    /// Remove a preset of your own
    Remove { name: String },
}

#[derive(Subcommand)]
enum SettingsCommand {
    Get { key: String },
    Set { key: String, value: String },
}

#[derive(Subcommand)]
enum SourceCommand {
    List {
        project_id: String,
        #[arg(long)]
        json: bool,
    },
}

/// A failure as the user sees it: one line, and what to do about it.
pub type Failure = UserError;

/// Open the library; a read-only one is announced once on stderr.
fn open_library(dir: Option<PathBuf>) -> Result<Library, Failure> {
    let library = Library::open(&app_dirs::library_dir(dir)?)?;
    if library.access() == Access::ReadOnly {
        eprintln!(
            "notice: the library in {} cannot be written; it is open read-only, so nothing can be changed",
            printable_path(library.dir())
        );
    }
    Ok(library)
}

pub fn run(args: Args) -> Result<(), Failure> {
    let open = || open_library(args.library.clone());
    match args.command {
        Command::Probe { ref file, json } => {
            let info = media::probe(file, &CancelToken::new())?;
            output::probe(&info, json)
        }
        Command::Project(ref command) => {
            let library = open()?;
            match command {
                ProjectCommand::Create {
                    name,
                    target,
                    profile,
                } => {
                    let profile = profile_or_default(&library, profile.as_deref())?;
                    let project = library.create_project(&profile, name, *target)?;
                    output::line(&project.id)
                }
                ProjectCommand::List { profile, json } => {
                    let profile = profile_or_default(&library, profile.as_deref())?;
                    output::projects(&library.projects(&profile)?, *json)
                }
                ProjectCommand::Rename { id, name } => {
                    let project = library.rename_project(&parse_id(id)?, name)?;
                    output::line(&format!(
                        "renamed {} to {:?}",
                        project.id,
                        printable(&project.name)
                    ))
                }
                ProjectCommand::Delete { id } => {
                    let id = parse_id(id)?;
                    JobQueue::new(Arc::new(library)).delete_project(&id, DELETE_WAIT)?;
                    output::line(&format!("deleted project {id}"))
                }
            }
        }
        Command::Profile(ref command) => {
            let library = open()?;
            match command {
                ProfileCommand::List { json } => output::profiles(&library.profiles()?, *json),
                ProfileCommand::Create { name, description } => {
                    output::line(&library.create_profile(name, description)?.id)
                }
                ProfileCommand::Default { id } => {
                    let profile = library.set_default_profile(&parse_id(id)?)?;
                    output::line(&format!(
                        "default profile is now {:?}",
                        printable(&profile.name)
                    ))
                }
            }
        }
        Command::Import {
            ref project_id,
            ref paths,
            json,
            detach,
        } => {
            let (queue, project_id) = open_project(&open, project_id)?;
            let paths = job_paths(paths)?;
            let outcome =
                jobs::enqueue_and_run(&queue, &NewJob::import(&project_id, &paths), detach, !json)?;
            let Some(JobOutcome::Import(report)) = outcome else {
                return Ok(());
            };
            output::import_report(&report, json)?;
            if report.imported.is_empty() && !report.failed.is_empty() {
                return Err(Failure::new(
                    format!(
                        "none of the {} file(s) could be imported",
                        report.failed.len()
                    ),
                    None,
                ));
            }
            Ok(())
        }
        Command::Verify {
            ref project_id,
            json,
            detach,
        } => {
            let (queue, project_id) = open_project(&open, project_id)?;
            let outcome =
                jobs::enqueue_and_run(&queue, &NewJob::verify_sources(&project_id), detach, !json)?;
            let Some(JobOutcome::VerifySources(report)) = outcome else {
                return Ok(());
            };
            if json {
                return output::json(&report);
            }
            output::line(&format!(
                "checked {} source(s): {} ok, {} missing, {} changed",
                report.checked,
                report.ok,
                report.missing.len(),
                report.changed.len()
            ))
        }
        Command::Analyze {
            ref files,
            target,
            json,
        } => {
            let library = open().ok();
            analyze::run(library.as_ref(), files, target, json)
        }
        Command::Variants {
            ref project_id,
            count,
            target,
            ref mode,
            seed,
            json,
        } => {
            let (queue, project_id) = open_project(&open, project_id)?;
            let mode = mode.parse().map_err(|e: String| Failure::new(e, None))?;
            variants::run(&queue, &project_id, count, target, mode, seed, json)
        }
        Command::Short {
            ref files,
            target,
            variants,
            ref preset,
            ref encoder,
            ref out,
            overwrite,
            captions,
            mute_voice,
            duck_voice,
            remove_silence,
            denoise,
            json,
        } => short::run(
            open()?,
            short::ShortArgs {
                files: files.clone(),
                target,
                variants,
                preset: preset.clone(),
                encoder: encoder.clone(),
                out: out.clone(),
                overwrite,
                json,
                captions,
                mute_voice,
                duck_voice,
                remove_silence,
                denoise,
            },
        ),
        Command::Jobs(ref command) => {
            let queue = JobQueue::new(Arc::new(open()?));
            match command {
                JobsCommand::List { json } => jobs::list(&queue, *json),
                JobsCommand::Cancel { id } => {
                    let job = queue.cancel(&parse_id(id)?)?;
                    let what = if job.status == JobStatus::Cancelled {
                        "cancelled"
                    } else {
                        "will stop within a second"
                    };
                    output::line(&format!("{} {what}", job.id))
                }
                JobsCommand::Retry { id } => {
                    let job = queue.retry(&parse_id(id)?)?;
                    output::line(&format!(
                        "{} queued again; run it with `edit-factory jobs run`",
                        job.id
                    ))
                }
                JobsCommand::Run => jobs::run_all(&queue),
            }
        }
        Command::Segment(ref command) => segments(&open()?, command),
        Command::Export {
            ref timeline,
            ref clip,
            ref preset,
            ref encoder,
            ref out,
            overwrite,
            json,
        } => export::run(
            &open()?,
            timeline.as_deref(),
            clip.as_deref(),
            preset,
            encoder,
            out,
            overwrite,
            json,
        ),
        Command::Encoders { json } => export::encoders(json),
        Command::Transcribe {
            ref file,
            ref model,
            ref language,
            ref format,
            ref preset,
            ref out,
        } => speech::transcribe(speech::TranscribeArgs {
            file,
            model: model.as_deref(),
            language: language.as_deref(),
            format,
            preset,
            out,
        }),
        Command::Vad {
            ref file,
            threshold,
            min_speech,
            min_silence,
            json,
        } => speech::vad(speech::VadArgs {
            file,
            threshold,
            min_speech,
            min_silence,
            json,
        }),
        Command::Silence {
            ref file,
            min_silence,
            padding,
            json,
        } => speech::silence(file, min_silence, padding, json),
        Command::Captions(CaptionsCommand::Convert {
            ref input,
            ref output,
        }) => speech::convert(input, output),
        Command::Model(ref command) => match command {
            ModelCommand::List { json } => speech::models_list(*json),
            ModelCommand::Import { file, name } => speech::model_import(file, name.as_deref()),
            ModelCommand::Download {
                name,
                url,
                base_url,
                sha256,
                size,
            } => speech::model_download(
                name,
                url.as_deref(),
                base_url.as_deref(),
                sha256.as_deref(),
                *size,
            ),
            ModelCommand::Remove { name } => speech::model_remove(name),
        },
        Command::Preset(PresetCommand::List { json }) => export::presets(&open()?, json),
        Command::Preset(PresetCommand::Add {
            ref name,
            ref from,
            ref label,
            width,
            height,
            fps,
            crf,
            max_kbps,
            ref speed,
            audio_kbps,
            loudness,
            true_peak,
        }) => export::add_preset(
            &open()?,
            name,
            from,
            export::PresetChanges {
                label: label.clone(),
                width,
                height,
                fps,
                crf,
                max_kbps,
                speed: speed.clone(),
                audio_kbps,
                loudness,
                true_peak,
            },
        ),
        Command::Preset(PresetCommand::Remove { ref name }) => {
            open()?.remove_preset(name)?;
            output::line(&format!("removed preset {name}"))
        }
        Command::Settings(ref command) => {
            let library = open()?;
            match command {
                SettingsCommand::Get { key } => {
                    output::line(&library.setting(key)?.unwrap_or_default())
                }
                SettingsCommand::Set { key, value } => {
                    library.set_setting(key, value)?;
                    output::line(&format!("{key} = {value}"))
                }
            }
        }
        Command::Source(SourceCommand::List {
            ref project_id,
            json,
        }) => {
            let library = open()?;
            output::sources(&library.project_sources(&parse_id(project_id)?)?, json)
        }
    }
}

fn segments(library: &Library, command: &SegmentCommand) -> Result<(), Failure> {
    match command {
        SegmentCommand::Add {
            source_id,
            start,
            end,
            keywords,
            note,
            favorite,
        } => {
            let segment = library.create_segment(
                &parse_id(source_id)?,
                *start,
                *end,
                keywords,
                note,
                *favorite,
            )?;
            output::line(&segment.id)
        }
        SegmentCommand::List {
            source,
            keyword,
            favorite,
            min,
            max,
            json,
        } => {
            let filter = SegmentFilter {
                profile_id: None,
                source_id: source.as_deref().map(parse_id).transpose()?,
                keyword: keyword.clone(),
                favorite_only: *favorite,
                min_duration_s: *min,
                max_duration_s: *max,
            };
            output::segments(&library.segments(&filter)?, *json)
        }
        SegmentCommand::Edit {
            id,
            start,
            end,
            keywords,
            note,
            favorite,
        } => {
            let edit = SegmentEdit {
                start_s: *start,
                end_s: *end,
                keywords: (!keywords.is_empty()).then(|| keywords.clone()),
                notes: note.clone(),
                favorite: *favorite,
            };
            let segment = library.edit_segment(&parse_id(id)?, &edit)?;
            output::segments(&[segment], false)
        }
        SegmentCommand::Delete { id } => {
            let id = parse_id(id)?;
            library.delete_segment(&id)?;
            output::line(&format!("deleted segment {id}"))
        }
        SegmentCommand::Assign {
            project_id,
            segment_ids,
        } => {
            let ids = segment_ids
                .iter()
                .map(|id| parse_id(id))
                .collect::<Result<Vec<_>, _>>()?;
            let assigned = library.assign_segments(&parse_id(project_id)?, &ids)?;
            output::segments(&assigned, false)
        }
    }
}

/// How long `project delete` waits for the project's jobs to stop.
const DELETE_WAIT: Duration = Duration::from_secs(15);

/// Paths for a job that may run in another process: absolute, and text the library can store.
fn job_paths(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    paths
        .iter()
        .map(|p| {
            let absolute = std::path::absolute(p)
                .map_err(|e| Failure::new(format!("{}: {e}", printable_path(p)), None))?;
            if absolute.to_str().is_none() {
                return Err(Failure::new(
                    format!(
                        "{}: the name is not valid UTF-8 text, which the library cannot store",
                        printable_path(p)
                    ),
                    Some(
                        "rename it (for example with `convmv`), or import the folder that holds it",
                    ),
                ));
            }
            Ok(absolute)
        })
        .collect()
}

/// The job queue of the library, and a project id from the command line that names an existing
/// project.
fn open_project(
    open: &impl Fn() -> Result<Library, Failure>,
    project_id: &str,
) -> Result<(JobQueue, String), Failure> {
    let library = open()?;
    let project_id = library.project(&parse_id(project_id)?)?.id;
    Ok((JobQueue::new(Arc::new(library)), project_id))
}

fn profile_or_default(library: &Library, given: Option<&str>) -> Result<String, Failure> {
    Ok(match given {
        Some(id) => library.profile(&parse_id(id)?)?.id,
        None => library.default_profile()?.id,
    })
}
