//! The accuracy-cost Pareto frontier of a set of points.

/// Indices of the points no other point dominates (cost no higher and accuracy no lower, one of them
/// strictly), sorted by cost ascending. Points with a non-finite coordinate are never on it.
pub fn pareto_frontier(points: &[(f64, f64)]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite())
        .collect();
    // Cheapest first; among equal costs, most accurate first.
    order.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[b].1.total_cmp(&points[a].1))
    });
    let mut frontier: Vec<usize> = Vec::new();
    let mut best_accuracy = f64::NEG_INFINITY;
    for i in order {
        let (cost, accuracy) = points[i];
        let duplicate = frontier
            .last()
            .is_some_and(|&f| points[f] == (cost, accuracy));
        if accuracy > best_accuracy || duplicate {
            frontier.push(i);
            best_accuracy = best_accuracy.max(accuracy);
        }
    }
    frontier
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dominated_points_are_dropped() {
        let pts = [(1.0, 0.5), (2.0, 0.4), (3.0, 0.9), (0.5, 0.1), (3.0, 0.8)];
        assert_eq!(pareto_frontier(&pts), vec![3, 0, 2]);
    }

    #[test]
    fn equal_points_are_both_kept() {
        let pts = [(1.0, 0.5), (1.0, 0.5)];
        assert_eq!(pareto_frontier(&pts), vec![0, 1]);
    }
}
