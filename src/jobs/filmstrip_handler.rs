//! The filmstrip of a source (`media::filmstrip`), made once per content into the library's
//! thumbnails. While it is made, the part done so far is kept beside it, so the editor's timeline
//! fills in as the job goes.

use super::kind::{FilmstripReport, JobKind, JobOutcome, JobSpec};
use super::{JobContext, JobFailure, JobHandler};
use crate::media::filmstrip;

pub struct FilmstripJob;

impl JobHandler for FilmstripJob {
    fn kind(&self) -> JobKind {
        JobKind::Filmstrip
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Filmstrip { source_id } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not a filmstrip job"));
        };
        let source = ctx
            .library
            .source(source_id)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let name = crate::text::printable(&source.file_name);
        if !source.has_video {
            return Err(JobFailure::permanent(format!(
                "{name} has no picture to make a filmstrip of"
            )));
        }
        let tiles = filmstrip::tile_count(source.duration_s) as u32;
        let report = |cached| {
            Ok(JobOutcome::Filmstrip(FilmstripReport {
                source_id: source.id.clone(),
                tiles,
                cached,
            }))
        };
        let dest = ctx.library.filmstrip_path(&source.content_hash);
        if dest.is_file() {
            return report(true);
        }
        let partial = ctx.library.partial_filmstrip_path(&source.content_hash);
        let step = format!("making the filmstrip of {name}");
        ctx.report(0.0, &step);
        let made = filmstrip::make(
            std::path::Path::new(&source.path),
            source.duration_s,
            ctx.cancel,
            |strip, done| {
                // Only a help to the eye: a strip that cannot be shown early is shown at the end.
                match strip.png() {
                    Ok(png) => {
                        if let Err(e) = crate::fsutil::write_atomic(&partial, &png) {
                            tracing::warn!(source = %source.id, "could not keep the strip so far: {e}");
                        }
                    }
                    Err(e) => {
                        tracing::warn!(source = %source.id, "could not encode the strip so far: {e}")
                    }
                }
                ctx.report(done * 0.99, &step);
            },
        );
        let finish = (|| {
            let made = made.map_err(JobFailure::from)?;
            crate::fsutil::write_atomic(&dest, &made)
                .map_err(|e| JobFailure::permanent(format!("could not keep the filmstrip: {e}")))
        })();
        if let Err(e) = std::fs::remove_file(&partial) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(source = %source.id, "could not remove the strip so far: {e}");
            }
        }
        finish?;
        ctx.report(1.0, &format!("made the filmstrip of {name}"));
        report(false)
    }
}
