//! What an export of some variants into a folder would write, before anything is written: each
//! file's name (`{project}_{variant}_{preset}.mp4`), whether it exists already, and what the
//! platform would reject (length limits). The window shows it in the export dialog; the export
//! itself goes by the same plan.

use std::path::Path;

use serde::Serialize;
use ts_rs::TS;

use super::{output_name, RenderError};
use crate::library::Library;

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct ExportPlan {
    pub outputs: Vec<PlannedOutput>,
    /// What the preset's platform would reject, per variant.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[ts(export)]
pub struct PlannedOutput {
    pub clip_id: String,
    pub path: String,
    /// A file of that name is in the folder already.
    pub exists: bool,
}

pub fn plan(
    library: &Library,
    clip_ids: &[String],
    preset_name: &str,
    folder: &Path,
) -> Result<ExportPlan, RenderError> {
    let preset = library
        .preset(preset_name)?
        .ok_or_else(|| RenderError::UnknownPreset(preset_name.to_owned()))?;
    let mut outputs = Vec::new();
    let mut warnings = Vec::new();
    for id in clip_ids {
        let clip = library.clip(&crate::library::parse_id(id)?)?;
        let project = library.project(&clip.project_id)?;
        let path = folder.join(output_name(&project.name, clip.variant_index, &preset.name));
        let length = crate::timeline::seconds(clip.timeline.duration_ns());
        for problem in preset.limit_problems(length) {
            warnings.push(format!("{}: {problem}", clip.name));
        }
        outputs.push(PlannedOutput {
            clip_id: clip.id,
            exists: path.exists(),
            path: path.display().to_string(),
        });
    }
    Ok(ExportPlan { outputs, warnings })
}
