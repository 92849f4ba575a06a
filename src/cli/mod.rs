//! Argument parsing and dispatch. Human-readable output by default, `--json` for scripts.

mod output;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use edit_factory::app_dirs;
use edit_factory::import;
use edit_factory::library::{parse_id, Library};
use edit_factory::media;
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
    /// Import files or folders (recursively) into a project
    Import {
        project_id: String,
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long)]
        json: bool,
    },
    /// List a project's sources
    #[command(subcommand)]
    Source(SourceCommand),
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
enum SourceCommand {
    List {
        project_id: String,
        #[arg(long)]
        json: bool,
    },
}

/// A failure as the user sees it: one line, and what to do about it.
pub type Failure = UserError;

pub fn run(args: Args) -> Result<(), Failure> {
    let open = || -> Result<Library, Failure> {
        Ok(Library::open(&app_dirs::library_dir(
            args.library.clone(),
        )?)?)
    };
    match args.command {
        Command::Probe { ref file, json } => {
            let info = media::probe(file)?;
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
                    output::line(&format!("renamed {} to {:?}", project.id, project.name))
                }
                ProjectCommand::Delete { id } => {
                    let id = parse_id(id)?;
                    library.delete_project(&id)?;
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
                    output::line(&format!("default profile is now {:?}", profile.name))
                }
            }
        }
        Command::Import {
            ref project_id,
            ref paths,
            json,
        } => {
            let library = open()?;
            let project_id = parse_id(project_id)?;
            let report = import::import_paths(&library, &project_id, paths, |i, total, path| {
                if !json {
                    eprintln!("[{}/{total}] {}", i + 1, path.display());
                }
            })?;
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
        Command::Source(SourceCommand::List {
            ref project_id,
            json,
        }) => {
            let library = open()?;
            output::sources(&library.project_sources(&parse_id(project_id)?)?, json)
        }
    }
}

fn profile_or_default(library: &Library, given: Option<&str>) -> Result<String, Failure> {
    Ok(match given {
        Some(id) => library.profile(&parse_id(id)?)?.id,
        None => library.default_profile()?.id,
    })
}
