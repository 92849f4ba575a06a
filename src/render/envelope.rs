//! Volume envelopes of the audio plan (SPEC §4.4), as control points for GStreamer's controller:
//! the sources' own sound muted or ducked inside speech spans (in source time, where the spans
//! are measured), and background music ducked under speech (in output time).

use crate::timeline::{AudioMode, AudioPlan, Item, Nanos};

/// A hard mute still ramps, over 20 ms, so the cut does not click.
const MUTE_RAMP_NS: Nanos = 20_000_000;
/// Music under speech drops to a quarter (−12 dB): present, but out of the voice's way.
pub const MUSIC_UNDER_SPEECH: f64 = 0.25;

/// Control points (time, gain), time-ordered.
pub type Points = Vec<(Nanos, f64)>;

/// Merge `spans` (start, end) that overlap or lie closer than `gap`.
pub fn merge(mut spans: Vec<(Nanos, Nanos)>, gap: Nanos) -> Vec<(Nanos, Nanos)> {
    spans.retain(|(s, e)| e > s);
    spans.sort_unstable();
    let mut merged: Vec<(Nanos, Nanos)> = Vec::new();
    for (start, end) in spans {
        match merged.last_mut() {
            Some(last) if start - last.1 < gap => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

/// Points per fade: the controller interpolates linearly between them, so the fade follows a
/// raised-cosine curve (SPEC §4.4's "curved" fades: no corner where the duck starts or ends).
const FADE_STEPS: i64 = 8;

/// `base` everywhere, `floor × base` inside `spans`, with `fade`-long curved ramps just outside
/// each span (so a ducked word is already quiet when it starts). Spans whose ramps would meet are
/// merged.
pub fn ducked(spans: &[(Nanos, Nanos)], base: f64, floor: f64, fade: Nanos) -> Points {
    let spans = merge(spans.to_vec(), 2 * fade);
    let mut points: Points = vec![(0, base)];
    // A later point at the same time wins (a span from zero starts quiet).
    let mut put = |t: Nanos, gain: f64| match points.last_mut() {
        Some(last) if last.0 >= t => *last = (last.0, gain),
        _ => points.push((t, gain)),
    };
    // Gain `k` steps into a fade from `from` to `to`.
    let curve = |from: f64, to: f64, k: i64| {
        let x = k as f64 / FADE_STEPS as f64;
        from + (to - from) * (1.0 - (std::f64::consts::PI * x).cos()) / 2.0
    };
    for (start, end) in spans {
        let down = (start - fade).max(0);
        let span = start.max(0) - down;
        for k in 0..FADE_STEPS {
            if span > 0 {
                put(down + span * k / FADE_STEPS, curve(base, base * floor, k));
            }
        }
        put(start.max(0), base * floor);
        put(end, base * floor);
        for k in 1..=FADE_STEPS {
            put(end + fade * k / FADE_STEPS, curve(base * floor, base, k));
        }
    }
    points
}

/// The envelope of `item`'s own sound in its source's time, or `None` when the plan keeps it as
/// recorded (then the item's volume is a constant).
pub fn item_points(item: &Item, plan: &AudioPlan) -> Option<Points> {
    let (floor, fade) = match plan.mode {
        AudioMode::Keep => return None,
        AudioMode::Mute => (0.0, MUTE_RAMP_NS),
        AudioMode::Duck => (plan.floor, crate::timeline::nanos(plan.fade)),
    };
    let spans: Vec<(Nanos, Nanos)> = plan
        .spans
        .iter()
        .filter(|s| s.source_id == item.source_id && s.end > item.in_ns && s.start < item.out_ns)
        .map(|s| (s.start, s.end))
        .collect();
    let spans = merge(spans, crate::timeline::nanos(plan.merge_gap));
    Some(ducked(&spans, item.volume, floor, fade))
}

/// Where the speech in the items' sound falls in output time: each span of an item's source,
/// cut to the item and moved to where the item plays (`starts`: each item's output start).
pub fn speech_in_output(items: &[Item], starts: &[Nanos], plan: &AudioPlan) -> Vec<(Nanos, Nanos)> {
    let mut out = Vec::new();
    for (item, &at) in items.iter().zip(starts) {
        for span in plan.spans.iter().filter(|s| s.source_id == item.source_id) {
            let (s, e) = (span.start.max(item.in_ns), span.end.min(item.out_ns));
            if e > s {
                out.push((at + s - item.in_ns, at + e - item.in_ns));
            }
        }
    }
    out
}

/// The music's envelope in output time: its volume, lowered under the voice-over (`voice`: where
/// it plays) and under speech in the footage's own sound (when that is heard) if it ducks under
/// speech. `starts`: each item's output start.
pub fn music(
    music: &crate::timeline::Music,
    items: &[Item],
    starts: &[Nanos],
    plan: &AudioPlan,
    voice: Option<(Nanos, Nanos)>,
) -> Points {
    if !music.duck_under_speech {
        return vec![(0, music.volume)];
    }
    let mut speech = if plan.mode == AudioMode::Mute {
        Vec::new()
    } else {
        speech_in_output(items, starts, plan)
    };
    speech.extend(voice);
    ducked(
        &speech,
        music.volume,
        MUSIC_UNDER_SPEECH,
        crate::timeline::nanos(plan.fade),
    )
}

/// The gain of `points` at `t` (linear between points; the render's curve is smoother, which
/// changes the loudness measured beforehand by far less than the check's ±1 LU).
pub fn gain_at(points: &[(Nanos, f64)], t: Nanos) -> f64 {
    match points.iter().position(|p| p.0 > t) {
        None => points.last().map_or(1.0, |p| p.1),
        Some(0) => points[0].1,
        Some(i) => {
            let ((t0, g0), (t1, g1)) = (points[i - 1], points[i]);
            g0 + (g1 - g0) * (t - t0) as f64 / (t1 - t0).max(1) as f64
        }
    }
}

/// `points` from `from` to `to`: the values at both ends and the points between.
pub fn window(points: &[(Nanos, f64)], from: Nanos, to: Nanos) -> Points {
    let mut out = vec![(from, gain_at(points, from))];
    out.extend(points.iter().copied().filter(|p| p.0 > from && p.0 < to));
    out.push((to, gain_at(points, to)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timeline::{nanos, Framing, Span};

    #[test]
    fn close_spans_merge_and_ramps_sit_outside_the_speech() {
        let points = ducked(
            &[(nanos(2.0), nanos(3.0)), (nanos(3.5), nanos(4.0))],
            1.0,
            0.03,
            nanos(0.8),
        );
        // 0.5 s apart with 0.8 s fades: one span 2–4 s, down from 1.2 s, up by 4.8 s.
        assert_eq!(gain_at(&points, nanos(1.2)), 1.0);
        assert_eq!(gain_at(&points, nanos(1.0)), 1.0);
        assert!((gain_at(&points, nanos(3.0)) - 0.03).abs() < 1e-9);
        assert!((gain_at(&points, nanos(2.0)) - 0.03).abs() < 1e-9);
        // Half-way down the curve is half-way in gain; it is steepest there and flat at both ends.
        assert!((gain_at(&points, nanos(1.6)) - 0.515).abs() < 1e-3);
        let early = 1.0 - gain_at(&points, nanos(1.3));
        let middle = gain_at(&points, nanos(1.55)) - gain_at(&points, nanos(1.65));
        assert!(
            early < middle,
            "the fade starts gently ({early} vs {middle})"
        );
        assert!((gain_at(&points, nanos(4.8)) - 1.0).abs() < 1e-9);
        assert_eq!(gain_at(&points, nanos(9.0)), 1.0);
        assert!(points.windows(2).all(|w| w[0].0 < w[1].0), "time-ordered");
        // Speech from the very start is quiet from the very start.
        let points = ducked(&[(0, nanos(1.0))], 1.0, 0.0, nanos(0.02));
        assert_eq!(points[0], (0, 0.0));
    }

    #[test]
    fn an_item_keeps_only_its_own_sources_spans_and_its_volume() {
        let item = Item {
            id: "i".into(),
            source_id: "a".into(),
            in_ns: nanos(10.0),
            out_ns: nanos(20.0),
            framing: Framing::default(),
            volume: 0.5,
        };
        let plan = AudioPlan {
            mode: AudioMode::Mute,
            spans: vec![
                Span {
                    source_id: "a".into(),
                    start: nanos(12.0),
                    end: nanos(13.0),
                },
                Span {
                    source_id: "b".into(),
                    start: nanos(14.0),
                    end: nanos(15.0),
                },
                Span {
                    source_id: "a".into(),
                    start: nanos(30.0),
                    end: nanos(31.0),
                },
            ],
            ..AudioPlan::default()
        };
        let points = item_points(&item, &plan).unwrap();
        assert_eq!(gain_at(&points, nanos(12.5)), 0.0);
        assert_eq!(gain_at(&points, nanos(14.5)), 0.5);
        assert!(item_points(&item, &AudioPlan::default()).is_none());
        let out = speech_in_output(&[item], &[nanos(100.0)], &plan);
        assert_eq!(out, vec![(nanos(102.0), nanos(103.0))]);
    }
}
