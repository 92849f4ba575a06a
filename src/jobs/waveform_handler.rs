//! A source's waveform (`media::waveform`), plain or through the denoiser, drawn once per content
//! into the library's thumbnails. The analysis draws the plain one from its own samples; this job
//! draws what it did not (the denoised one, or a source analysed before waveforms were kept).

use super::kind::{JobKind, JobOutcome, JobSpec, WaveformReport};
use super::{JobContext, JobFailure, JobHandler};
use crate::media::waveform;

pub struct WaveformJob;

impl JobHandler for WaveformJob {
    fn kind(&self) -> JobKind {
        JobKind::Waveform
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Waveform {
            source_id,
            denoised,
        } = &ctx.job.spec
        else {
            return Err(JobFailure::permanent("not a waveform job"));
        };
        let source = ctx
            .library
            .source(source_id)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let name = crate::text::printable(&source.file_name);
        if !source.has_audio {
            return Err(JobFailure::permanent(format!("{name} has no sound")));
        }
        let report = |cached| {
            Ok(JobOutcome::Waveform(WaveformReport {
                source_id: source.id.clone(),
                denoised: *denoised,
                cached,
            }))
        };
        let dest = ctx.library.waveform_path(&source.content_hash, *denoised);
        if dest.is_file() {
            return report(true);
        }
        let step = if *denoised {
            format!("drawing the denoised sound of {name}")
        } else {
            format!("drawing the sound of {name}")
        };
        ctx.report(0.0, &step);
        let drawn = waveform::make(std::path::Path::new(&source.path), *denoised, ctx.cancel)
            .map_err(JobFailure::from)?;
        crate::fsutil::write_atomic(&dest, &drawn)
            .map_err(|e| JobFailure::permanent(format!("could not keep the waveform: {e}")))?;
        ctx.report(1.0, &step);
        report(false)
    }
}
