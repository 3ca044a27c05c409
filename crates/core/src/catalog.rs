//! Fixed facts of VL-RouterBench: its 17 models with their prices, and its 14 datasets with their task
//! group and task type (protocol.md sections 1.2 and 1.3).

/// A model of the official VL-RouterBench pool: internal id, display name, USD per 1M tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CatalogModel {
    /// Internal id, as in the release's cost_bounds.json.
    pub id: &'static str,
    /// Name as printed in the paper's README table.
    pub name: &'static str,
    /// USD per 1M input tokens.
    pub price_input: f64,
    /// USD per 1M output tokens.
    pub price_output: f64,
    /// Parameters in billions (README table), `None` for API models.
    pub params_b: Option<f64>,
}

/// The 17 official models in sorted-id (column) order.
pub const OFFICIAL_MODELS: [CatalogModel; 17] = [
    m("GPT4o", "GPT-4o", 2.50, 10.00, None),
    m("GeminiFlash2-5", "Gemini-Flash-2.5", 0.30, 2.40, None),
    m("Gemma3-27B", "Gemma3-27B", 0.35, 0.50, Some(27.0)),
    m("InternVL2_5-78B", "InternVL2.5-78B", 1.00, 1.50, Some(78.0)),
    m("Janus-Pro-1B", "Janus-Pro-1B", 0.05, 0.05, Some(1.0)),
    m("Janus-Pro-7B", "Janus-Pro-7B", 0.18, 0.25, Some(7.0)),
    m(
        "Kimi-VL-A3B-Thinking-2506",
        "Kimi-VL-A3B-Thinking-2506",
        0.20,
        0.25,
        Some(16.0),
    ),
    m("MiMo-VL-7B-RL", "MiMo-VL-7B-RL", 0.20, 0.30, Some(7.0)),
    m("Phi-3.5-Vision", "Phi-3.5-Vision", 0.10, 0.10, Some(4.2)),
    m("Pixtral-12B", "Pixtral-12B", 0.25, 0.35, Some(12.0)),
    m("Qianfan-VL-8B", "Qianfan-VL-8B", 0.18, 0.25, Some(8.0)),
    m(
        "Qwen2.5-VL-32B-Instruct",
        "Qwen2.5-VL-32B-Instruct",
        0.40,
        0.60,
        Some(32.0),
    ),
    m(
        "Qwen2.5-VL-72B-Instruct",
        "Qwen2.5-VL-72B-Instruct",
        0.80,
        1.20,
        Some(72.0),
    ),
    m("SmolVLM2", "SmolVLM2", 0.06, 0.06, Some(2.2)),
    m("deepseek_vl2", "DeepSeek-VL2", 0.35, 0.50, Some(27.0)),
    m(
        "deepseek_vl2_tiny",
        "DeepSeek-VL2-Tiny",
        0.05,
        0.05,
        Some(27.0),
    ),
    m(
        "llava_next_vicuna_7b",
        "LLaVA-Next-Vicuna-7B",
        0.20,
        0.20,
        Some(7.0),
    ),
];

const fn m(
    id: &'static str,
    name: &'static str,
    price_input: f64,
    price_output: f64,
    params_b: Option<f64>,
) -> CatalogModel {
    CatalogModel {
        id,
        name,
        price_input,
        price_output,
        params_b,
    }
}

/// Looks up an official model by internal id.
pub fn official_model(id: &str) -> Option<&'static CatalogModel> {
    OFFICIAL_MODELS.iter().find(|m| m.id == id)
}

/// A dataset of the official benchmark with its task group and task type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogDataset {
    /// VLMEvalKit dataset id (the `dataset` column, prefix of `sample_id`).
    pub id: &'static str,
    /// Name as printed in the paper.
    pub name: &'static str,
    /// Task group: `General`, `STEM` or `Charts & OCR`.
    pub group: &'static str,
    /// Task type (`task` column).
    pub task: &'static str,
}

/// The 14 official datasets in the paper's order.
pub const OFFICIAL_DATASETS: [CatalogDataset; 14] = [
    d("MMBench_DEV_EN_V11", "MMBench", "General", "vqa_mc"),
    d("MMStar", "MMStar", "General", "vqa_mc"),
    d("MMMU_DEV_VAL", "MMMU", "General", "vqa_mc"),
    d("RealWorldQA", "RealWorldQA", "General", "vqa_oe"),
    d("InfoVQA_VAL", "InfoVQA", "General", "ocr_qa"),
    d("HallusionBench", "HallusionBench", "General", "vqa_mc"),
    d("MathVista_MINI", "MathVista", "STEM", "math"),
    d("MathVision_MINI", "MathVision", "STEM", "math"),
    d("MathVerse_MINI", "MathVerse", "STEM", "math"),
    d("AI2D_TEST", "AI2D", "STEM", "vqa_mc"),
    d("ChartQA_TEST", "ChartQA", "Charts & OCR", "ocr_qa"),
    d("DocVQA_VAL", "DocVQA", "Charts & OCR", "ocr_qa"),
    d("TextVQA_VAL", "TextVQA", "Charts & OCR", "vqa_oe"),
    d("OCRBench", "OCRBench", "Charts & OCR", "ocr_qa"),
];

const fn d(
    id: &'static str,
    name: &'static str,
    group: &'static str,
    task: &'static str,
) -> CatalogDataset {
    CatalogDataset {
        id,
        name,
        group,
        task,
    }
}

/// Looks up an official dataset by its VLMEvalKit id or its paper name (e.g. `MathVision`).
pub fn official_dataset(key: &str) -> Option<&'static CatalogDataset> {
    OFFICIAL_DATASETS
        .iter()
        .find(|d| d.id == key)
        .or_else(|| OFFICIAL_DATASETS.iter().find(|d| d.name == key))
}

/// The task group of a dataset (by id or paper name): the official map, else `Other`.
pub fn group_of(dataset: &str) -> &'static str {
    official_dataset(dataset).map_or("Other", |d| d.group)
}

/// Tokens an image adds to a prompt in the toolkit's cost model (protocol 1.5).
pub const IMAGE_TOKENS: u32 = 256;

/// Token count the toolkit assumes for a sample whose prompt is unknown (protocol 2.3).
pub const UNKNOWN_SAMPLE_TOKENS: u32 = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn models_are_in_sorted_id_order() {
        let ids: Vec<&str> = OFFICIAL_MODELS.iter().map(|m| m.id).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn groups_cover_three_groups() {
        assert_eq!(group_of("MathVista_MINI"), "STEM");
        assert_eq!(group_of("OCRBench"), "Charts & OCR");
        assert_eq!(group_of("MathVision"), "STEM");
        assert_eq!(group_of("nope"), "Other");
    }
}
