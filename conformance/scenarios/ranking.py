"""Ranking workflow on a custom audience qualified with compare examples (a ranking is
judged in pairwise matchups), written against the rapidata 3.27.1 public API: two
independent rankings (3 and 4 items) with a context and a media context each, a budget of
12 comparisons per ranking (every pair of the 4-item list twice), a job, a wait, the
results.

Run it through runner.py, which points the SDK at the local server.
"""

from scenario_kit import run_to_results
from rapidata import RapidataClient

client = RapidataClient()

audience = client.audience.create_audience(name="Ranking Audience", min_tasks=3)

for n in [1, 2, 3]:
    audience.add_compare_example(
        instruction="Which image looks better?",
        datapoint=[
            f"https://assets.rapidata.ai/good_{n}.jpg",
            f"https://assets.rapidata.ai/bad_{n}.jpg",
        ],
        truth=f"https://assets.rapidata.ai/good_{n}.jpg",
    )

audience.start_recruiting()

job_definition = client.job.create_ranking_job_definition(
    name="Ranking Job",
    instruction="Which image looks better?",
    datapoints=[
        [
            "https://assets.rapidata.ai/lighthouse_2.jpg",
            "https://assets.rapidata.ai/lighthouse_1.jpg",
            "https://assets.rapidata.ai/lighthouse_3.jpg",
        ],
        [
            "https://assets.rapidata.ai/forest_4.jpg",
            "https://assets.rapidata.ai/forest_1.jpg",
            "https://assets.rapidata.ai/forest_3.jpg",
            "https://assets.rapidata.ai/forest_2.jpg",
        ],
    ],
    comparison_budget_per_ranking=12,
    contexts=["A lighthouse at dusk", "A forest in the fog"],
    media_contexts=[
        ["https://assets.rapidata.ai/lighthouse_ref.jpg"],
        ["https://assets.rapidata.ai/forest_ref.jpg"],
    ],
)

run_to_results(audience, job_definition, "ranking")
