//! Taking the voice out of music, behind one interface: today centre-channel cancellation
//! (GStreamer's `audiokaraoke`, applied in the export's own pipeline); a source-separation model
//! can implement [`VocalRemover`] later (making a vocal-free copy of the music as an asset).

use crate::timeline::VocalRemoval;

pub trait VocalRemover {
    /// What the user is told it does (the UI shows it as the option's label).
    fn label(&self) -> &'static str;
    /// A GStreamer effect (a bin description) put on the music in the export, when the removal
    /// is done while rendering.
    fn render_effect(&self) -> Option<String>;
}

/// Subtracting the channels cancels what is identical in both: the centre, where mixes put the
/// lead voice. Low frequencies (bass, kick, also centred) are kept by the element's band filter.
pub struct CentreCancellation;

impl VocalRemover for CentreCancellation {
    fn label(&self) -> &'static str {
        "Lower vocals (centre-channel cancellation: removes what is panned to the middle; needs stereo music)"
    }

    fn render_effect(&self) -> Option<String> {
        Some("audiokaraoke level=1 mono-level=1 filter-band=220 filter-width=100".to_owned())
    }
}

/// The remover for a timeline's choice (none for `Keep`).
pub fn remover(choice: VocalRemoval) -> Option<Box<dyn VocalRemover>> {
    match choice {
        VocalRemoval::Keep => None,
        VocalRemoval::CentreCancel => Some(Box::new(CentreCancellation)),
    }
}
