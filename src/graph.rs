//! The future graph: `leads_to` edges between futures (a DAG, checked with
//! petgraph) and the `within` tree of groups. It resolves references, finds
//! cycles, and computes implied probabilities, disagreement flags and the
//! probability that a bet pays off.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use petgraph::algo::tarjan_scc;
use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::EdgeRef;

use crate::diagnostics::{Diagnostic, Diagnostics, Pos, closest};
use crate::futures::{Future, FutureId, Located};

/// Own and implied probability must differ by more than this to be flagged.
pub const DISAGREEMENT: f64 = 0.15;

/// Whether `own` and `implied` differ by more than [`DISAGREEMENT`]. Sums
/// of products carry rounding error (0.5 − 0.7 × 0.5 is a hair above 0.15),
/// so a difference within 1e-9 of the threshold counts as equal to it.
pub fn disagrees(own: f64, implied: f64) -> bool {
    (own - implied).abs() > DISAGREEMENT + 1e-9
}

/// Node `i` of the graph is future `i` of the slice it was built from.
pub struct Graph {
    ids: Vec<FutureId>,
    /// Ids of future files that had errors of their own: they exist, so a
    /// reference to one is not another error.
    broken: HashSet<String>,
    index: HashMap<FutureId, usize>,
    dag: DiGraph<(), f64, u32>,
    group: Vec<Option<usize>>,
    members: Vec<Vec<usize>>,
    /// Futures in an order where parents come before children.
    topo: Vec<usize>,
}

/// What the graph says about one future's probability.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Computed {
    /// Σ P(parent) × P(edge), capped at 1; a root's own probability.
    pub implied: Option<f64>,
    /// The same sum before capping, to warn about overlapping parents.
    pub incoming: Option<f64>,
    /// Own and implied differ by more than [`DISAGREEMENT`].
    pub disagreement: bool,
}

/// The probability that a bet pays off.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Payoff {
    /// Its winning futures are alternatives of one fork: their sum.
    Exact(f64),
    /// Otherwise the bounds [max pᵢ, min(1, Σ pᵢ)].
    Range(f64, f64),
    /// Some winning future has no probability at all.
    Unknown,
}

impl Graph {
    /// Resolves `within` and `leads_to` and reports unknown futures and
    /// cycles. `futures` must have unique ids.
    pub fn build(futures: &[Future], files: &HashSet<String>, diags: &mut Diagnostics) -> Graph {
        let ids: Vec<FutureId> = futures.iter().map(|f| f.id.clone()).collect();
        let index: HashMap<FutureId, usize> = ids
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, id)| (id, i))
            .collect();
        let mut graph = Graph {
            dag: DiGraph::with_capacity(futures.len(), futures.len() * 2),
            group: vec![None; futures.len()],
            members: vec![Vec::new(); futures.len()],
            topo: Vec::new(),
            broken: files
                .iter()
                .filter(|f| !index.contains_key(f.as_str()))
                .cloned()
                .collect(),
            ids,
            index,
        };
        for _ in futures {
            graph.dag.add_node(());
        }
        for (i, f) in futures.iter().enumerate() {
            if let Some(w) = &f.within {
                graph.group[i] = graph.resolve_from(w, &f.file, "within", Some(i), diags);
            }
            for edge in &f.leads_to {
                let target = graph.resolve_from(&edge.target, &f.file, "leads_to", Some(i), diags);
                if let Some(j) = target {
                    graph.dag.add_edge(
                        NodeIndex::new(i),
                        NodeIndex::new(j),
                        edge.probability.get(),
                    );
                }
            }
        }
        graph.report_within_cycles(futures, diags);
        graph.report_edge_cycles(futures, diags);
        if !diags.has_errors() {
            graph.topo = petgraph::algo::toposort(&graph.dag, None)
                .map(|order| order.into_iter().map(NodeIndex::index).collect())
                .unwrap_or_default();
        }
        for (i, g) in graph.group.iter().enumerate() {
            if let Some(g) = g {
                graph.members[*g].push(i);
            }
        }
        graph
    }

    /// The index of a referenced future, or an error with the closest id.
    pub fn resolve(
        &self,
        reference: &Located<FutureId>,
        file: &Path,
        field: &str,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        self.resolve_from(reference, file, field, None, diags)
    }

    /// [`Graph::resolve`] for a reference written in the file of future
    /// `from`, which is never the one suggested: an id that is close to
    /// the file's own is a typo for a neighbour, not for itself.
    fn resolve_from(
        &self,
        reference: &Located<FutureId>,
        file: &Path,
        field: &str,
        from: Option<usize>,
        diags: &mut Diagnostics,
    ) -> Option<usize> {
        if let Some(&i) = self.index.get(&reference.value) {
            return Some(i);
        }
        if self.broken.contains(reference.value.as_str()) {
            return None;
        }
        let wanted = reference.value.as_str();
        let others = self
            .ids
            .iter()
            .enumerate()
            .filter(|&(j, _)| Some(j) != from)
            .map(|(_, id)| id.as_str());
        let help = match closest(wanted, others) {
            Some(id) => format!("did you mean `{id}`?"),
            None => format!("create futures/{wanted}.yaml or name an existing future"),
        };
        diags.push(
            Diagnostic::error(
                file,
                reference.pos,
                format!("unknown future `{wanted}` in `{field}`"),
            )
            .with_help(help),
        );
        None
    }

    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// `(parent, P(edge))` for each `leads_to` edge into `i`.
    pub fn parents(&self, i: usize) -> Vec<(usize, f64)> {
        let mut v: Vec<_> = self
            .dag
            .edges_directed(NodeIndex::new(i), petgraph::Direction::Incoming)
            .map(|e| (e.source().index(), *e.weight()))
            .collect();
        v.sort_by_key(|(p, _)| *p);
        v
    }

    /// `(child, P(edge))` for each `leads_to` edge out of `i`.
    pub fn children(&self, i: usize) -> Vec<(usize, f64)> {
        let mut v: Vec<_> = self
            .dag
            .edges(NodeIndex::new(i))
            .map(|e| (e.target().index(), *e.weight()))
            .collect();
        v.sort_by_key(|(c, _)| *c);
        v
    }

    /// Each future's position in an order where parents come first.
    pub fn topological_rank(&self) -> Vec<usize> {
        let mut rank: Vec<usize> = (0..self.len()).collect();
        for (r, &i) in self.topo.iter().enumerate() {
            rank[i] = r;
        }
        rank
    }

    /// The group `i` is directly within.
    pub fn group(&self, i: usize) -> Option<usize> {
        self.group[i]
    }

    /// The futures directly within `i`.
    pub fn members(&self, i: usize) -> &[usize] {
        &self.members[i]
    }

    /// Implied probabilities and disagreement flags, given each future's own
    /// probability (its market value or its author's estimate).
    pub fn compute(&self, own: &[Option<f64>]) -> Vec<Computed> {
        let mut out = vec![Computed::default(); self.len()];
        for &i in &self.topo {
            let parents = self.parents(i);
            if parents.is_empty() {
                out[i].implied = own[i];
                continue;
            }
            let incoming: Option<f64> = parents
                .iter()
                .map(|&(p, edge)| own[p].or(out[p].implied).map(|pp| pp * edge))
                .sum();
            out[i].incoming = incoming;
            out[i].implied = incoming.map(|s| s.min(1.0));
            out[i].disagreement = matches!((own[i], out[i].implied),
                (Some(o), Some(m)) if disagrees(o, m));
        }
        out
    }

    /// The probability of paying off for a bet that wins in any of `wins`,
    /// given each future's effective probability.
    pub fn payoff(&self, wins: &[usize], p: &[Option<f64>]) -> Payoff {
        let mut wins = wins.to_vec();
        wins.sort_unstable();
        wins.dedup();
        let Some(values) = wins.iter().map(|&w| p[w]).collect::<Option<Vec<f64>>>() else {
            return Payoff::Unknown;
        };
        let sum: f64 = values.iter().sum();
        match values.as_slice() {
            [] => Payoff::Unknown,
            [only] => Payoff::Exact(*only),
            _ if self.alternatives_of_one_fork(&wins) => Payoff::Exact(sum.min(1.0)),
            _ => Payoff::Range(values.iter().copied().fold(0.0, f64::max), sum.min(1.0)),
        }
    }

    /// Whether a path of `leads_to` edges goes from `from` to `to`.
    pub fn leads_eventually(&self, from: usize, to: usize) -> bool {
        petgraph::algo::has_path_connecting(
            &self.dag,
            NodeIndex::new(from),
            NodeIndex::new(to),
            None,
        )
    }

    /// The question a bet really rides on: the nearest common ancestor of
    /// its winning and losing futures whose outgoing branches separate them
    /// (no branch leads to both a win and a loss; some lead to each).
    pub fn essential_fork(&self, wins: &[usize], loses: &[usize]) -> Option<usize> {
        if wins.is_empty() || loses.is_empty() {
            return None;
        }
        let rank = self.topological_rank();
        let involved: Vec<usize> = wins.iter().chain(loses).copied().collect();
        let ancestors = |f: usize| -> HashSet<usize> {
            let mut seen = HashSet::from([f]);
            let mut stack = vec![f];
            while let Some(x) = stack.pop() {
                for (p, _) in self.parents(x) {
                    if seen.insert(p) {
                        stack.push(p);
                    }
                }
            }
            seen
        };
        // Each involved future's ancestors (itself included), computed once.
        let of_wins: Vec<HashSet<usize>> = wins.iter().map(|&f| ancestors(f)).collect();
        let of_loses: Vec<HashSet<usize>> = loses.iter().map(|&f| ancestors(f)).collect();
        let mut common = of_wins[0].clone();
        for a in of_wins.iter().chain(&of_loses) {
            common.retain(|x| a.contains(x));
        }
        let reaches = |from: usize, sets: &[HashSet<usize>]| sets.iter().any(|a| a.contains(&from));
        let mut candidates: Vec<usize> = common
            .into_iter()
            .filter(|c| !involved.contains(c))
            .collect();
        candidates.sort_by_key(|&c| std::cmp::Reverse(rank[c]));
        candidates.into_iter().find(|&c| {
            let branches: Vec<(bool, bool)> = self
                .children(c)
                .into_iter()
                .map(|(b, _)| (reaches(b, &of_wins), reaches(b, &of_loses)))
                .collect();
            branches.iter().all(|&(w, l)| !(w && l))
                && branches.iter().any(|&(w, _)| w)
                && branches.iter().any(|&(_, l)| l)
        })
    }

    /// True when every future in `set` has exactly one parent, the same for
    /// all: then they are branches of that fork and cannot both happen.
    fn alternatives_of_one_fork(&self, set: &[usize]) -> bool {
        let mut fork = None;
        set.iter().all(|&f| match self.parents(f).as_slice() {
            [(parent, _)] => *fork.get_or_insert(*parent) == *parent,
            _ => false,
        })
    }

    fn report_within_cycles(&self, futures: &[Future], diags: &mut Diagnostics) {
        let mut state = vec![0u8; self.len()]; // 0 new, 1 on the current chain, 2 done
        for start in 0..self.len() {
            let mut chain = Vec::new();
            let mut at = Some(start);
            while let Some(i) = at {
                match state[i] {
                    2 => break,
                    1 => {
                        let from = chain.iter().position(|&c| c == i).unwrap_or(0);
                        let cycle = &chain[from..];
                        let names: Vec<&str> = cycle
                            .iter()
                            .chain([&i])
                            .map(|&c| self.ids[c].as_str())
                            .collect();
                        let first = cycle.iter().copied().min().unwrap_or(i);
                        let pos = futures[first].within.as_ref().map_or(Pos::START, |w| w.pos);
                        diags.push(
                            Diagnostic::error(
                                &futures[first].file,
                                pos,
                                format!("cycle in `within`: {}", names.join(" → ")),
                            )
                            .with_help("a group cannot be inside itself; remove `within` from one of these futures"),
                        );
                        break;
                    }
                    _ => {
                        state[i] = 1;
                        chain.push(i);
                        at = self.group[i];
                    }
                }
            }
            for c in chain {
                state[c] = 2;
            }
        }
    }

    fn report_edge_cycles(&self, futures: &[Future], diags: &mut Diagnostics) {
        for scc in tarjan_scc(&self.dag) {
            if scc.len() < 2 {
                continue;
            }
            let start = scc.iter().map(|n| n.index()).min().unwrap_or(0);
            let cycle = self.cycle_through(start, &scc);
            let names: Vec<&str> = cycle
                .iter()
                .chain([&start])
                .map(|&c| self.ids[c].as_str())
                .collect();
            let next = cycle.get(1).copied().unwrap_or(start);
            let pos = futures[start]
                .leads_to
                .iter()
                .find(|e| e.target.value == self.ids[next])
                .map_or(Pos::START, |e| e.target.pos);
            diags.push(
                Diagnostic::error(
                    &futures[start].file,
                    pos,
                    format!("cycle in `leads_to`: {}", names.join(" → ")),
                )
                .with_help("time flows one way: remove one of these edges"),
            );
        }
    }

    /// A path from `start` back to it inside one strongly connected part.
    fn cycle_through(&self, start: usize, scc: &[NodeIndex]) -> Vec<usize> {
        let inside = |n: usize| scc.iter().any(|s| s.index() == n);
        let mut path = vec![start];
        let mut seen = vec![false; self.len()];
        seen[start] = true;
        while let Some(&at) = path.last() {
            let children = self.children(at);
            if children.iter().any(|&(c, _)| c == start) && path.len() > 1 {
                return path;
            }
            match children.iter().find(|&&(c, _)| inside(c) && !seen[c]) {
                Some(&(c, _)) => {
                    seen[c] = true;
                    path.push(c);
                }
                None => {
                    path.pop();
                }
            }
        }
        vec![start]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::futures::parse;

    /// Builds a graph from `(id, yaml)` pairs.
    fn graph(files: &[(&str, &str)]) -> (Vec<Future>, Graph, Vec<String>) {
        let mut diags = Diagnostics::default();
        let futures: Vec<Future> = files
            .iter()
            .map(|(id, yaml)| {
                parse(Path::new(&format!("futures/{id}.yaml")), yaml, &mut diags)
                    .unwrap_or_else(|| panic!("{id}: {diags:?}"))
            })
            .collect();
        let g = Graph::build(&futures, &HashSet::new(), &mut diags);
        let errs = diags
            .into_sorted()
            .iter()
            .map(ToString::to_string)
            .collect();
        (futures, g, errs)
    }

    fn own(futures: &[Future]) -> Vec<Option<f64>> {
        futures
            .iter()
            .map(|f| f.estimate.map(|p| p.get()))
            .collect()
    }

    fn close(a: Option<f64>, b: f64) -> bool {
        a.is_some_and(|a| (a - b).abs() < 1e-9)
    }

    #[test]
    fn implied_probability_follows_chains_and_diamonds() {
        // root (0.8) → a 0.5, b 0.3; a → d 0.4; b → d 0.5 (a diamond);
        // d has no estimate, e has one that disagrees.
        let (f, g, errs) = graph(&[
            (
                "root",
                "title: R\nprobability: 0.8\nleads_to:\n  - {future: a, probability: 0.5}\n  - {future: b, probability: 0.3}\n",
            ),
            (
                "a",
                "title: A\nleads_to:\n  - {future: d, probability: 0.4}\n",
            ),
            (
                "b",
                "title: B\nprobability: 0.2\nleads_to:\n  - {future: d, probability: 0.5}\n",
            ),
            (
                "d",
                "title: D\nleads_to:\n  - {future: e, probability: 0.9}\n",
            ),
            ("e", "title: E\nprobability: 0.5\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let c = g.compute(&own(&f));
        assert!(close(c[0].implied, 0.8)); // a root's implied is its own
        assert!(close(c[1].implied, 0.4)); // 0.8 × 0.5
        assert!(close(c[2].implied, 0.24)); // 0.8 × 0.3
        // a has no estimate, so its implied 0.4 counts; b's own 0.2 counts:
        assert!(close(c[3].implied, 0.4 * 0.4 + 0.2 * 0.5)); // 0.26
        assert!(close(c[4].implied, 0.26 * 0.9)); // 0.234
        assert!(c[4].disagreement); // |0.5 − 0.234| > 0.15
        assert!(!c[2].disagreement); // |0.2 − 0.24| ≤ 0.15
    }

    #[test]
    fn a_difference_of_exactly_fifteen_points_is_not_a_disagreement() {
        let (f, g, errs) = graph(&[
            (
                "r",
                "title: R\nprobability: 0.5\nleads_to:\n  - {future: c, probability: 0.7}\n",
            ),
            ("c", "title: C\nprobability: 0.5\n"),
        ]);
        assert!(errs.is_empty(), "{errs:?}");
        let c = g.compute(&own(&f));
        // 0.5 × 0.7 is 0.35, and 0.5 − 0.35 is a hair above 0.15 in floating point.
        assert!((0.5f64 - 0.5 * 0.7).abs() > DISAGREEMENT);
        assert!(!c[1].disagreement);
        assert!(disagrees(0.5, 0.349));
    }

    #[test]
    fn overlapping_parents_are_capped_but_reported() {
        let (f, g, _) = graph(&[
            (
                "p",
                "title: P\nprobability: 0.9\nleads_to:\n  - {future: x, probability: 0.9}\n",
            ),
            (
                "q",
                "title: Q\nprobability: 0.8\nleads_to:\n  - {future: x, probability: 0.9}\n",
            ),
            ("x", "title: X\n"),
        ]);
        let c = g.compute(&own(&f));
        assert!(close(c[2].incoming, 0.81 + 0.72));
        assert!(close(c[2].implied, 1.0));
    }

    #[test]
    fn unknown_root_probability_leaves_descendants_unknown() {
        let (f, g, _) = graph(&[
            (
                "p",
                "title: P\nleads_to:\n  - {future: x, probability: 0.5}\n",
            ),
            ("x", "title: X\n"),
        ]);
        assert_eq!(g.compute(&own(&f))[1].implied, None);
    }

    #[test]
    fn bets_on_one_fork_are_exact_others_are_bounds() {
        let (f, g, _) = graph(&[
            (
                "fork",
                "title: F\nprobability: 0.5\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.3}\n",
            ),
            ("a", "title: A\n"),
            ("b", "title: B\n"),
            ("c", "title: C\nprobability: 0.4\n"),
        ]);
        let c = g.compute(&own(&f));
        let p: Vec<Option<f64>> = own(&f)
            .iter()
            .zip(&c)
            .map(|(o, c)| o.or(c.implied))
            .collect();
        match g.payoff(&[1, 2], &p) {
            Payoff::Exact(x) => assert!((x - 0.45).abs() < 1e-9, "{x}"), // 0.3 + 0.15
            other => panic!("{other:?}"),
        }
        match g.payoff(&[1, 3], &p) {
            Payoff::Range(lo, hi) => assert!((lo - 0.4).abs() < 1e-9 && (hi - 0.7).abs() < 1e-9),
            other => panic!("{other:?}"),
        }
        assert!(matches!(g.payoff(&[3], &p), Payoff::Exact(x) if (x - 0.4).abs() < 1e-9));
        assert_eq!(g.payoff(&[0], &[None, None, None, None]), Payoff::Unknown);
    }

    #[test]
    fn children_of_one_fork_with_another_parent_are_not_alternatives() {
        let (f, g, _) = graph(&[
            (
                "fork",
                "title: F\nprobability: 0.5\nleads_to:\n  - {future: a, probability: 0.6}\n  - {future: b, probability: 0.3}\n",
            ),
            (
                "other",
                "title: O\nprobability: 0.5\nleads_to:\n  - {future: b, probability: 0.5}\n",
            ),
            ("a", "title: A\n"),
            ("b", "title: B\n"),
        ]);
        let c = g.compute(&own(&f));
        let p: Vec<Option<f64>> = c.iter().map(|c| c.implied).collect();
        assert!(matches!(g.payoff(&[2, 3], &p), Payoff::Range(..)));
    }

    #[test]
    fn the_essential_fork_separates_wins_from_losses() {
        // root → {ai, stall}; ai → {fleets, throttle}; a bet wins in fleets
        // and loses in throttle: the fork is `ai`, not `root`.
        let (_, g, _) = graph(&[
            (
                "root",
                "title: R\nleads_to:\n  - {future: ai, probability: 0.5}\n  - {future: stall, probability: 0.5}\n",
            ),
            (
                "ai",
                "title: A\nleads_to:\n  - {future: fleets, probability: 0.5}\n  - {future: throttle, probability: 0.5}\n",
            ),
            ("stall", "title: S\n"),
            ("fleets", "title: F\n"),
            ("throttle", "title: T\n"),
        ]);
        assert_eq!(g.essential_fork(&[3], &[4]), Some(1));
        // Winning in fleets and losing in stall: only the root separates them.
        assert_eq!(g.essential_fork(&[3], &[2]), Some(0));
        // Winning in both branches of `ai` and losing in stall.
        assert_eq!(g.essential_fork(&[3, 4], &[2]), Some(0));
        assert_eq!(g.essential_fork(&[3], &[]), None);
    }

    #[test]
    fn unknown_references_suggest_a_fix() {
        let (_, _, errs) = graph(&[
            ("agi-by-2030", "title: A\n"),
            ("x", "title: X\nwithin: agi-2030\n"),
        ]);
        assert_eq!(
            errs,
            ["futures/x.yaml:2:9: unknown future `agi-2030` in `within`"]
        );
    }

    #[test]
    fn a_future_is_not_suggested_for_a_reference_in_its_own_file() {
        let files = [
            (
                "human-level-ai",
                "title: H\nleads_to:\n  - {future: human-level-a, probability: 0.5}\n",
            ),
            ("human-level-ai-arrives", "title: A\n"),
            ("x", "title: X\nwithin: human-level-a\n"),
        ];
        let mut diags = Diagnostics::default();
        let futures: Vec<Future> = files
            .iter()
            .filter_map(|(id, yaml)| {
                parse(Path::new(&format!("futures/{id}.yaml")), yaml, &mut diags)
            })
            .collect();
        Graph::build(&futures, &HashSet::new(), &mut diags);
        let helps: Vec<String> = diags
            .into_sorted()
            .into_iter()
            .map(|d| format!("{}: {}", d.file.display(), d.help.unwrap_or_default()))
            .collect();
        assert_eq!(
            helps,
            [
                "futures/human-level-ai.yaml: did you mean `human-level-ai-arrives`?",
                "futures/x.yaml: did you mean `human-level-ai`?",
            ]
        );
    }

    #[test]
    fn cycles_are_named() {
        let (_, _, errs) = graph(&[
            (
                "a",
                "title: A\nleads_to:\n  - {future: b, probability: 0.5}\n",
            ),
            (
                "b",
                "title: B\nleads_to:\n  - {future: c, probability: 0.5}\n",
            ),
            (
                "c",
                "title: C\nleads_to:\n  - {future: a, probability: 0.5}\n",
            ),
            ("g", "title: G\nwithin: h\n"),
            ("h", "title: H\nwithin: g\n"),
        ]);
        assert_eq!(
            errs,
            [
                "futures/a.yaml:3:14: cycle in `leads_to`: a → b → c → a",
                "futures/g.yaml:2:9: cycle in `within`: g → h → g",
            ]
        );
    }
}
