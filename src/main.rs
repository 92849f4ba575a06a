//! `edit-factory`: the command-line face of the engine.

mod cli;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = cli::Args::parse();
    let _log = match edit_factory::logging::init(
        edit_factory::app_dirs::log_dir().ok().as_deref(),
        "edit-factory-cli",
        args.log_level(),
    ) {
        Ok(guard) => Some(guard),
        Err(e) => {
            eprintln!("warning: logging to file is off: {e}");
            None
        }
    };
    match cli::run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // One line each, whatever a file name in the message holds.
            eprintln!("error: {}", edit_factory::text::printable(&failure.message));
            if let Some(hint) = failure.hint {
                eprintln!("hint: {}", edit_factory::text::printable(&hint));
            }
            ExitCode::FAILURE
        }
    }
}
