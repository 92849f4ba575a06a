//! The preview copy of a source (`media::proxy`), made once per content into the library's cache.

use super::kind::{JobKind, JobOutcome, JobSpec, ProxyReport};
use super::{JobContext, JobFailure, JobHandler};
use crate::fsutil::AtomicOutput;
use crate::media::proxy;

pub struct ProxyJob;

impl JobHandler for ProxyJob {
    fn kind(&self) -> JobKind {
        JobKind::Proxy
    }

    fn run(&self, ctx: &JobContext<'_>) -> Result<JobOutcome, JobFailure> {
        let JobSpec::Proxy { source_id } = &ctx.job.spec else {
            return Err(JobFailure::permanent("not a preview copy job"));
        };
        let source = ctx
            .library
            .source(source_id)
            .map_err(|e| JobFailure::permanent(e.to_string()))?;
        let name = crate::text::printable(&source.file_name);
        let displayed = match (source.display_width, source.display_height) {
            (Some(w), Some(h)) if source.has_video => (w, h),
            _ => {
                return Err(JobFailure::permanent(format!(
                    "{name} has no picture to preview"
                )))
            }
        };
        let (width, height) = proxy::size(displayed.0, displayed.1);
        let dest = ctx.library.proxy_path(&source.content_hash);
        let report = |cached| {
            Ok(JobOutcome::Proxy(ProxyReport {
                source_id: source.id.clone(),
                width,
                height,
                cached,
            }))
        };
        if dest.is_file() {
            return report(true);
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).map_err(|e| JobFailure::permanent(e.to_string()))?;
        }
        let step = format!("making a {height}p preview copy of {name}");
        ctx.report(0.0, &step);
        let out = AtomicOutput::new(&dest);
        proxy::make_proxy(
            std::path::Path::new(&source.path),
            out.partial_path(),
            displayed,
            source.duration_s,
            ctx.cancel,
            |done| ctx.report(done * 0.99, &step),
        )
        .map_err(JobFailure::from)?;
        out.commit()
            .map_err(|e| JobFailure::permanent(format!("could not keep the preview copy: {e}")))?;
        ctx.report(1.0, &format!("made a preview copy of {name}"));
        report(false)
    }
}
