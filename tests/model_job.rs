//! The model download as the app runs it: a durable job on a real library, against a local
//! stand-in for the model host. A download cut off part-way fails its attempt, and the retry
//! resumes from what was kept; a wrong checksum fails for good and leaves nothing behind.
//!
//! Its own test binary: the models folder is chosen through the process environment, which no
//! other test here may share.

mod common;

use std::io::Read;
use std::time::Duration;

use edit_factory::jobs::{
    handlers, JobOutcome, JobQueue, JobSpec, JobStatus, NewJob, WorkerConfig, WorkerPool,
};

fn run_job(library: &std::sync::Arc<edit_factory::library::Library>, spec: JobSpec) -> String {
    let queue = JobQueue::new(library.clone());
    let job = queue.enqueue(&NewJob::new(spec, None)).unwrap();
    let config = WorkerConfig {
        retry_base: Duration::from_millis(100),
        retry_cap: Duration::from_millis(500),
        ..WorkerConfig::default()
    };
    WorkerPool::new(queue, handlers::registry(), config)
        .run_until_idle(None)
        .unwrap();
    job.id
}

#[test]
fn a_download_job_resumes_after_a_cut_and_refuses_a_wrong_checksum() {
    let models = tempfile::tempdir().unwrap();
    // The only test in this binary: nothing else reads the environment meanwhile.
    std::env::set_var("EDIT_FACTORY_MODELS_DIR", models.path());
    let (_dir, library) = common::temp_library();

    // The head of the real tiny.en file: a valid model header, quick to serve.
    let mut body = vec![0u8; 3 << 20];
    std::fs::File::open(common::media_dir().join("../models/ggml-tiny.en.bin"))
        .unwrap()
        .read_exact(&mut body)
        .unwrap();
    let sha = {
        let file = models.path().join("expected");
        std::fs::write(&file, &body).unwrap();
        let sha = edit_factory::speech::models::sha256_of(&file).unwrap();
        std::fs::remove_file(&file).unwrap();
        sha
    };

    // The first answer is cut after 1 MiB: that attempt fails, the next one asks for the rest.
    let host = common::model_host::model_host(body.clone(), sha.clone(), Some(1 << 20));
    let id = run_job(
        &library,
        JobSpec::DownloadModel {
            name: "test".into(),
            url: Some(host.url.clone()),
            sha256: Some(sha.clone()),
        },
    );
    let job = library.jobs().get(&id).unwrap();
    assert_eq!(job.status, JobStatus::Succeeded, "{:?}", job.error_message);
    assert_eq!(job.attempts, 2, "one cut attempt, one resumed");
    assert_eq!(job.progress, 1.0);
    assert_eq!(
        *host.ranges.lock().unwrap(),
        vec![None, Some(1 << 20)],
        "the second attempt resumed from the kept part"
    );
    match job.result {
        Some(JobOutcome::DownloadModel(installed)) => assert_eq!(installed.name, "test"),
        other => panic!("unexpected outcome {other:?}"),
    }
    assert_eq!(
        std::fs::read(models.path().join("ggml-test.bin")).unwrap(),
        body
    );
    assert!(!models.path().join("ggml-test.bin.download").exists());

    // A checksum that does not match: failed at once (no retry fixes it), nothing kept.
    let host = common::model_host::model_host(body.clone(), sha, None);
    let id = run_job(
        &library,
        JobSpec::DownloadModel {
            name: "other".into(),
            url: Some(host.url.clone()),
            sha256: Some("0".repeat(64)),
        },
    );
    let job = library.jobs().get(&id).unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.attempts, 1, "a wrong file is not fetched again");
    let message = job.error_message.unwrap_or_default();
    assert!(message.contains("not the file expected"), "{message}");
    assert!(!models.path().join("ggml-other.bin").exists());
    assert!(!models.path().join("ggml-other.bin.download").exists());
}
