//! How the window's web view paints. WebKitGTK paints with Skia on the GPU by default. On a machine
//! with no GPU device that "GPU" is Mesa's software OpenGL, which paints slower than Skia's own CPU
//! raster: under Xvfb, in alternated runs of the editor benchmark, scrubbing the strip took 68–75 ms
//! a frame there against 49–67 ms on the CPU, the composed preview showed 332–383 pictures in
//! 18.4 s against 387–423, and the GPU painting thread once crashed the page mid-playback
//! (docs/BENCHMARKS.md, the editor). So
//! where Linux shows no GPU render node, the web view paints on the CPU, as WebKit's WPE port
//! does by default on small devices. A value the user set for the variable is always kept
//! (`WEBKIT_SKIA_ENABLE_CPU_RENDERING=0` asks for the GPU path anyway).

/// WebKit's own switch, read by its web process when it starts.
const CPU_RENDERING: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// What was decided, for the log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// Left to WebKit: a GPU render node is present, or the system is not Linux.
    WebKitDefault,
    /// The user's environment already says (`WEBKIT_SKIA_ENABLE_CPU_RENDERING`).
    AsSetByUser,
    /// Painting on the CPU: there is no GPU render node.
    CpuNoGpu,
}

/// Decide, and tell WebKit through its environment variable. Call first thing in `main`, before
/// any thread starts (the environment is process-wide) and before the web view exists.
pub fn choose() -> Rendering {
    #[cfg(target_os = "linux")]
    {
        if std::env::var_os(CPU_RENDERING).is_some() {
            return Rendering::AsSetByUser;
        }
        if !has_render_node(std::path::Path::new("/dev/dri")) {
            std::env::set_var(CPU_RENDERING, "1");
            return Rendering::CpuNoGpu;
        }
    }
    Rendering::WebKitDefault
}

/// Whether `dri` (the kernel's DRM device folder) holds a render node (`renderD128`, …): what
/// Mesa opens for a hardware GPU. Without one, OpenGL is software.
#[cfg(target_os = "linux")]
fn has_render_node(dri: &std::path::Path) -> bool {
    std::fs::read_dir(dri)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("renderD"))
        })
        .unwrap_or(false)
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::has_render_node;

    #[test]
    fn a_render_node_means_a_gpu() -> std::io::Result<()> {
        let dri = std::env::temp_dir().join(format!("ef-dri-{}", std::process::id()));
        assert!(!has_render_node(&dri), "no folder: no GPU");
        std::fs::create_dir_all(&dri)?;
        std::fs::write(dri.join("card0"), b"")?;
        assert!(
            !has_render_node(&dri),
            "a display card alone is not a render node"
        );
        std::fs::write(dri.join("renderD128"), b"")?;
        assert!(has_render_node(&dri));
        std::fs::remove_dir_all(&dri)
    }
}
