// The data of Rapidata's custom-audience guide: the instruction, eight image pairs (the
// first image follows the prompt better) and their prompts. Included by the example and by
// the end-to-end tests.

const INSTRUCTION: &str = "Which image follows the prompt more accurately?";

const DATAPOINTS: [[&str; 2]; 8] = [
    [
        "https://assets.rapidata.ai/flux_sign_diffusion.jpg",
        "https://assets.rapidata.ai/mj_sign_diffusion.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_duck.jpg",
        "https://assets.rapidata.ai/mj_duck.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_book.jpg",
        "https://assets.rapidata.ai/mj_book.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_flower.jpg",
        "https://assets.rapidata.ai/mj_flower.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_store_front.jpg",
        "https://assets.rapidata.ai/mj_store_front.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_hand.jpg",
        "https://assets.rapidata.ai/mj_hand.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_traffic_lights.jpg",
        "https://assets.rapidata.ai/mj_traffic_lights.jpg",
    ],
    [
        "https://assets.rapidata.ai/flux_plane.jpg",
        "https://assets.rapidata.ai/mj_plane.jpg",
    ],
];

const PROMPTS: [&str; 8] = [
    "A sign that says 'Diffusion'.",
    "A psychedelic duck with glasses",
    "A small blue book sitting on a large red book.",
    "A yellow flower sticking out of a bright green pot.",
    "A store front with 'hello world' written on it.",
    "A yellow hand on a black stone.",
    "A green, yellow and red traffic light.",
    "A plane flying over a person.",
];
