//! The sandbox form's raw values and their validation into a [`TrainRequest`], in one place.

use vlrb_core::routers::RouterKind;
use vlrb_core::routers::features::Fusion;

use crate::protocol::{Backend, Lambda, TrainRequest};

/// The sandbox form as the visitor filled it (text as typed, trimmed; validated when a run
/// starts). Permalinks carry it as `&router=&features=&lambda=&cost_scale=&seed=&epochs=&backend=`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrainForm {
    /// Router name (`vlrb train --router`).
    pub router: String,
    /// Features (`text`, `image`, `concat`).
    pub features: String,
    /// `sweep`, or a lambda (`0`, `100`, `inf`, `250`...).
    pub lambda: String,
    /// Cost scale; empty is the router's default.
    pub cost_scale: String,
    /// Seed.
    pub seed: String,
    /// Max epochs; empty is the protocol's.
    pub epochs: String,
    /// `webgpu` or `cpu`.
    pub backend: String,
}

/// Why the form's values cannot start a run: the field and the value as typed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SettingsError {
    /// No such router.
    #[error("unknown router {0}; expected linear, mlp, knn, prknn, ovr or prototype")]
    Router(String),
    /// No such features.
    #[error("unknown features {0}; expected text, image or concat")]
    Features(String),
    /// Neither `sweep` nor a non-negative number or `inf` (the core's message).
    #[error("{0}")]
    Lambda(String),
    /// Not a positive number.
    #[error("cost scale {0} is not a positive number")]
    CostScale(String),
    /// Not a non-negative integer.
    #[error("seed {0} is not a non-negative integer")]
    Seed(String),
    /// Not a positive integer.
    #[error("epochs {0} is not a positive integer")]
    Epochs(String),
    /// No such backend.
    #[error("unknown backend {0}; expected webgpu or cpu")]
    Backend(String),
}

impl SettingsError {
    /// The form key ([`TrainForm::KEYS`]) of the field at fault.
    pub fn field(&self) -> &'static str {
        match self {
            SettingsError::Router(_) => "router",
            SettingsError::Features(_) => "features",
            SettingsError::Lambda(_) => "lambda",
            SettingsError::CostScale(_) => "cost_scale",
            SettingsError::Seed(_) => "seed",
            SettingsError::Epochs(_) => "epochs",
            SettingsError::Backend(_) => "backend",
        }
    }
}

/// Whether the router named `router` takes lambda and a cost scale (the soft-label routers).
pub fn uses_lambda(router: &str) -> bool {
    RouterKind::parse(router).is_some_and(RouterKind::uses_lambda)
}

impl TrainForm {
    /// The query keys of the form, in URL order.
    pub const KEYS: [&'static str; 7] = [
        "router",
        "features",
        "lambda",
        "cost_scale",
        "seed",
        "epochs",
        "backend",
    ];

    /// The page's defaults for a browser with or without WebGPU.
    pub fn defaults(webgpu: bool) -> TrainForm {
        TrainForm {
            router: "mlp".into(),
            features: "concat".into(),
            lambda: Lambda::SWEEP.into(),
            cost_scale: String::new(),
            seed: "42".into(),
            epochs: "20".into(),
            backend: if webgpu {
                Backend::WebGpu
            } else {
                Backend::Cpu
            }
            .as_str()
            .into(),
        }
    }

    /// The query keys and values, in URL order.
    pub fn pairs(&self) -> [(&'static str, &str); 7] {
        let values = [
            &self.router,
            &self.features,
            &self.lambda,
            &self.cost_scale,
            &self.seed,
            &self.epochs,
            &self.backend,
        ];
        let mut pairs = [("", ""); 7];
        for ((pair, key), value) in pairs.iter_mut().zip(TrainForm::KEYS).zip(values) {
            *pair = (key, value.as_str());
        }
        pairs
    }

    /// The field of a query key, if it is one of [`TrainForm::KEYS`].
    pub fn field_mut(&mut self, key: &str) -> Option<&mut String> {
        Some(match key {
            "router" => &mut self.router,
            "features" => &mut self.features,
            "lambda" => &mut self.lambda,
            "cost_scale" => &mut self.cost_scale,
            "seed" => &mut self.seed,
            "epochs" => &mut self.epochs,
            "backend" => &mut self.backend,
            _ => return None,
        })
    }

    /// Whether lambda and the cost scale apply (the soft-label routers); the form keeps what was
    /// typed in them for the others but does not use it.
    pub fn uses_lambda(&self) -> bool {
        uses_lambda(&self.router)
    }

    /// Validates the form into the request for the bundle at `bundle_url` (checksum
    /// `bundle_sha256`). Lambda and cost scale are ignored for routers that do not use them.
    pub fn validate(
        &self,
        bundle_url: &str,
        bundle_sha256: &str,
    ) -> Result<TrainRequest, SettingsError> {
        let router = RouterKind::parse(&self.router)
            .ok_or_else(|| SettingsError::Router(self.router.clone()))?;
        let soft_labels = router.uses_lambda();
        let lambda = if soft_labels {
            Lambda::parse(&self.lambda).map_err(SettingsError::Lambda)?
        } else {
            Lambda::Sweep
        };
        let cost_scale = match self.cost_scale.as_str() {
            _ if !soft_labels => None,
            "" => None,
            t => Some(
                t.parse::<f64>()
                    .ok()
                    .filter(|v| *v > 0.0 && v.is_finite())
                    .ok_or_else(|| SettingsError::CostScale(t.to_owned()))?,
            ),
        };
        let seed = self
            .seed
            .parse::<u64>()
            .map_err(|_| SettingsError::Seed(self.seed.clone()))?;
        let epochs = match self.epochs.as_str() {
            "" => None,
            t => Some(
                t.parse::<usize>()
                    .ok()
                    .filter(|v| *v > 0)
                    .ok_or_else(|| SettingsError::Epochs(t.to_owned()))?,
            ),
        };
        let features = Fusion::parse(&self.features)
            .ok_or_else(|| SettingsError::Features(self.features.clone()))?;
        let backend = Backend::parse(&self.backend)
            .ok_or_else(|| SettingsError::Backend(self.backend.clone()))?;
        Ok(TrainRequest {
            bundle_url: bundle_url.to_owned(),
            bundle_sha256: bundle_sha256.to_owned(),
            router,
            features,
            lambda,
            cost_scale,
            seed,
            epochs,
            backend,
            crash_after_lambdas: None,
            share: None,
            view: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validate_to_a_typed_request() {
        let r = TrainForm::defaults(true).validate("u", "s").unwrap();
        assert_eq!(r.router, RouterKind::Mlp);
        assert_eq!(r.features, Fusion::Concat);
        assert_eq!(r.lambda, Lambda::Sweep);
        assert_eq!((r.cost_scale, r.seed, r.epochs), (None, 42, Some(20)));
        assert_eq!(r.backend, Backend::WebGpu);
        assert_eq!(
            (r.bundle_url.as_str(), r.bundle_sha256.as_str()),
            ("u", "s")
        );
        let cpu = TrainForm::defaults(false).validate("u", "s").unwrap();
        assert_eq!(cpu.backend, Backend::Cpu);
    }

    #[test]
    fn each_bad_value_names_its_field_and_text() {
        let good = TrainForm {
            lambda: "inf".into(),
            cost_scale: "50".into(),
            epochs: String::new(),
            ..TrainForm::defaults(false)
        };
        let r = good.validate("u", "s").unwrap();
        assert_eq!(
            (r.lambda, r.cost_scale, r.epochs),
            (Lambda::Inf, Some(50.0), None)
        );
        let cases: [(&str, &str, SettingsError); 8] = [
            ("router", "forest", SettingsError::Router("forest".into())),
            ("features", "audio", SettingsError::Features("audio".into())),
            (
                "lambda",
                "lots",
                SettingsError::Lambda("lambda lots is not a non-negative number or inf".into()),
            ),
            ("cost_scale", "-1", SettingsError::CostScale("-1".into())),
            ("cost_scale", "inf", SettingsError::CostScale("inf".into())),
            ("seed", "-4", SettingsError::Seed("-4".into())),
            ("epochs", "0", SettingsError::Epochs("0".into())),
            ("backend", "tpu", SettingsError::Backend("tpu".into())),
        ];
        for (key, value, expected) in cases {
            let mut form = good.clone();
            *form.field_mut(key).unwrap() = value.into();
            let err = form.validate("u", "s").unwrap_err();
            assert!(err.to_string().contains(value), "{err}");
            assert_eq!(err, expected);
            assert_eq!(err.field(), key);
        }
    }

    #[test]
    fn lambda_and_cost_scale_are_ignored_without_soft_labels() {
        let form = TrainForm {
            router: "knn".into(),
            lambda: "lots".into(),
            cost_scale: "nope".into(),
            ..TrainForm::defaults(false)
        };
        assert!(!form.uses_lambda());
        let r = form.validate("u", "s").unwrap();
        assert_eq!((r.lambda, r.cost_scale), (Lambda::Sweep, None));
    }

    #[test]
    fn pairs_and_fields_agree() {
        let mut form = TrainForm::defaults(true);
        for (i, key) in TrainForm::KEYS.into_iter().enumerate() {
            *form.field_mut(key).unwrap() = format!("v{i}");
        }
        for (i, (key, value)) in form.pairs().into_iter().enumerate() {
            assert_eq!((key, value), (TrainForm::KEYS[i], format!("v{i}").as_str()));
        }
        assert!(form.field_mut("bench").is_none());
    }
}
