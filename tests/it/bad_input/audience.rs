//! Bad input to audiences: creating, renaming, filtering, looking up, paging and queueing jobs.

use super::*;

pub(super) fn cases() -> Vec<Case> {
    use Expect::*;
    vec![
        // ---- audience: create --------------------------------------------------------
        Case {
            name: "audience: empty name",
            run: |fx| fx.client.audience().create_audience("").send().map(drop),
            expect: Invalid("name"),
        },
        Case {
            name: "audience: blank name",
            run: |fx| fx.client.audience().create_audience(" \t").send().map(drop),
            expect: Invalid("name"),
        },
        Case {
            name: "audience: accuracy above 1",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(1.5);
                b.send().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: negative accuracy",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(-0.01);
                b.send().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: NaN accuracy",
            run: |fx| {
                let b = fx
                    .client
                    .audience()
                    .create_audience("A")
                    .target_accuracy(f64::NAN);
                b.send().map(drop)
            },
            expect: Invalid("target_accuracy"),
        },
        Case {
            name: "audience: min tasks 0",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").min_tasks(0);
                b.send().map(drop)
            },
            expect: Invalid("min_tasks"),
        },
        Case {
            name: "audience: min tasks 2 (the API's floor is 3)",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").min_tasks(2);
                b.send().map(drop)
            },
            expect: Invalid("min_tasks"),
        },
        Case {
            name: "audience: max tasks below min tasks",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.min_tasks(10).max_tasks(5).send().map(drop)
            },
            expect: Invalid("max_tasks"),
        },
        Case {
            name: "audience: max tasks below the default min tasks",
            run: |fx| {
                let b = fx.client.audience().create_audience("A").max_tasks(3);
                b.send().map(drop)
            },
            expect: Invalid("max_tasks"),
        },
        Case {
            name: "audience: rename to blank",
            run: |fx| fx.audience.clone().rename("  "),
            expect: Invalid("name"),
        },
        Case {
            name: "audience: update to no filters",
            run: |fx| fx.audience.clone().update_filters([]),
            expect: Invalid("filters"),
        },
        Case {
            name: "audience: lookup with empty id",
            run: |fx| fx.client.audience().get_audience_by_id("").map(drop),
            expect: Invalid("audience_id"),
        },
        Case {
            name: "audience: find with page size 0",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .amount(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: find page 0",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .page(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("page"),
        },
        Case {
            name: "audience: jobs page 0",
            run: |fx| fx.audience.find_jobs().page(0).send().map(drop),
            expect: Invalid("page"),
        },
        Case {
            name: "audience: find with page size u32::MAX",
            run: |fx| {
                fx.client
                    .audience()
                    .find_audiences("")
                    .amount(u32::MAX)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: curated with page size 1001",
            run: |fx| {
                fx.client
                    .audience()
                    .curated_audiences()
                    .amount(1001)
                    .send()
                    .map(drop)
            },
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: jobs page size u32::MAX",
            run: |fx| fx.audience.find_jobs().amount(u32::MAX).send().map(drop),
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: filtered lookup with empty id",
            run: |fx| {
                fx.client
                    .audience()
                    .get_filtered_audience_by_id("")
                    .map(drop)
            },
            expect: Invalid("audience_id"),
        },
        // ---- jobs: queueing ------------------------------------------------------------
        Case {
            name: "jobs: queued behind an empty job id",
            run: |fx| {
                fx.audience
                    .assign(&fx.definition)
                    .run_after_id(" ")
                    .send()
                    .map(drop)
            },
            expect: Invalid("run_after"),
        },
        // ---- unlisted audiences ----------------------------------------------------------
        Case {
            name: "unlisted: create with a blank name",
            run: |fx| fx.client.audience().create_unlisted_audience(" ").map(drop),
            expect: Invalid("name"),
        },
        Case {
            name: "unlisted: look up an id that is not `ula_…`",
            run: |fx| {
                fx.client
                    .audience()
                    .get_unlisted_audience_by_id("aud_1")
                    .map(drop)
            },
            expect: Invalid("audience_id"),
        },
        Case {
            name: "unlisted: an `ula_…` id given to get_audience_by_id",
            run: |fx| fx.client.audience().get_audience_by_id("ula_1").map(drop),
            expect: Invalid("audience_id"),
        },
        // ---- lists: paging --------------------------------------------------------------
        Case {
            name: "jobs: find with page size 0",
            run: |fx| fx.client.job().find_jobs("").amount(0).send().map(drop),
            expect: Invalid("amount"),
        },
        Case {
            name: "jobs: iterate from page 0",
            run: |fx| first_of(fx.client.job().find_jobs("").page(0).iter()),
            expect: Invalid("page"),
        },
        Case {
            name: "jobs: an audience's jobs iterated 1001 a page",
            run: |fx| first_of(fx.audience.find_jobs().amount(1001).iter()),
            expect: Invalid("amount"),
        },
        Case {
            name: "definitions: find page 0",
            run: |fx| {
                fx.client
                    .job()
                    .find_job_definitions("")
                    .page(0)
                    .send()
                    .map(drop)
            },
            expect: Invalid("page"),
        },
        Case {
            name: "definitions: iterate with page size 0",
            run: |fx| first_of(fx.client.job().find_job_definitions("").amount(0).iter()),
            expect: Invalid("amount"),
        },
        Case {
            name: "audience: iterate with page size 0",
            run: |fx| first_of(fx.client.audience().find_audiences("").amount(0).iter()),
            expect: Invalid("amount"),
        },
        // ---- jobs: ids ---------------------------------------------------------------
        Case {
            name: "job: lookup with empty id",
            run: |fx| fx.client.job().get_job_by_id("").map(drop),
            expect: Invalid("job_id"),
        },
        Case {
            name: "job: lookup with blank id",
            run: |fx| fx.client.job().get_job_by_id(" ").map(drop),
            expect: Invalid("job_id"),
        },
        Case {
            name: "job definition: lookup with empty id",
            run: |fx| fx.client.job().get_job_definition_by_id("").map(drop),
            expect: Invalid("definition_id"),
        },
        Case {
            name: "generated operation: empty path parameter",
            run: |fx| {
                fx.client
                    .send(&rapidata::api::operations::GetJobByJobIdProgress::new(""))
                    .map(drop)
            },
            expect: Invalid("jobId"),
        },
        // ---- filters ---------------------------------------------------------------
        Case {
            name: "filter: three-letter country",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["USA"])]).send().map(drop)
            },
            expect: Invalid("filters[0].countries[0]"),
        },
        Case {
            name: "filter: lower-case country",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["US", "de"])]).send().map(drop)
            },
            expect: Invalid("filters[0].countries[1]"),
        },
        Case {
            name: "filter: unassigned country code",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["ZZ"])]).send().map(drop)
            },
            expect: Invalid("filters[0].countries[0]"),
        },
        Case {
            name: "filter: upper-case language",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::language(["EN"])]).send().map(drop)
            },
            expect: Invalid("filters[0].languages[0]"),
        },
        Case {
            name: "filter: language name instead of code",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(["US"]), Filter::language(["english"])])
                    .send()
                    .map(drop)
            },
            expect: Invalid("filters[1].languages[0]"),
        },
        Case {
            name: "filter: empty country list",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::country(Vec::<String>::new())])
                    .send()
                    .map(drop)
            },
            expect: Invalid("filters[0].countries"),
        },
        Case {
            name: "filter: empty language list",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::language(Vec::<String>::new())])
                    .send()
                    .map(drop)
            },
            expect: Invalid("filters[0].languages"),
        },
        Case {
            name: "filter: empty age list",
            run: |fx| fx.audience.filter(Filter::age([])).map(drop),
            expect: Invalid("filter.age"),
        },
        Case {
            name: "filter: empty AND",
            run: |fx| {
                let b = fx.client.audience().create_audience("A");
                b.filters([Filter::all([])]).send().map(drop)
            },
            expect: Invalid("filters[0].filters"),
        },
        Case {
            name: "filter: bad code nested in AND",
            run: |fx| {
                let f = Filter::country(["US"]) & Filter::language(["xx"]);
                fx.audience.filter(f).map(drop)
            },
            expect: Invalid("filter.filters[1].languages[0]"),
        },
        Case {
            name: "filter: demographic without identifier",
            run: |fx| {
                let f = Filter::demographic(" ", ["student"]);
                fx.audience.clone().update_filters([f])
            },
            expect: Invalid("filters[0].identifier"),
        },
    ]
}
