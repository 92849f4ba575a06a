-- Version 2: jobs are looked up by project (deleting a project cancels its jobs first; one project
-- lock per job) and old finished jobs are pruned by age.
CREATE INDEX jobs_by_project ON jobs (project_id, status);
CREATE INDEX jobs_by_finish ON jobs (status, finished_at);
