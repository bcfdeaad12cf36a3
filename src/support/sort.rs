//! The one sort of the build: a stable merge sort of indices with a "goes after" predicate
//! (jsonata-js's `$sort` contract). Everything that sorts goes through it, so the wasm holds
//! one sort instead of one copy of `core`'s per element type and key.

/// Sort `v` stably: `after(a, b)` is true when `a` must come after `b`.
pub fn merge_sort(v: &mut Vec<usize>, after: &mut dyn FnMut(usize, usize) -> bool) {
    if v.len() <= 1 {
        return;
    }
    let mid = v.len() / 2;
    let mut left = v[..mid].to_vec();
    let mut right = v[mid..].to_vec();
    merge_sort(&mut left, after);
    merge_sort(&mut right, after);
    let (mut i, mut j) = (0, 0);
    v.clear();
    while i < left.len() && j < right.len() {
        if after(left[i], right[j]) {
            v.push(right[j]);
            j += 1;
        } else {
            v.push(left[i]);
            i += 1;
        }
    }
    v.extend_from_slice(&left[i..]);
    v.extend_from_slice(&right[j..]);
}

/// The indices of `items` in ascending order of `key`, equal keys in their order.
fn order_by<T, K: Ord>(items: &[T], key: impl Fn(&T) -> K) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..items.len()).collect();
    merge_sort(&mut idx, &mut |a, b| key(&items[a]) > key(&items[b]));
    idx
}

/// For each key, whether it is the first of the keys equal to it: a stable sort by key puts
/// equal keys together, the earliest first, so this takes O(n log n) comparisons whatever the
/// keys (no hashing an adversary could make collide). `$distinct`, `States.ArrayUnique`.
pub fn firsts(keys: &[String]) -> Vec<bool> {
    let mut order: Vec<usize> = (0..keys.len()).collect();
    merge_sort(&mut order, &mut |a, b| keys[a] > keys[b]);
    let mut first = vec![false; keys.len()];
    for (i, &k) in order.iter().enumerate() {
        first[k] = i == 0 || keys[order[i - 1]] != keys[k];
    }
    first
}

/// `items` in the order `order` gives, a permutation of their indices.
pub fn permute<T>(items: Vec<T>, order: &[usize]) -> Vec<T> {
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// `items` in ascending order of `key`, equal keys in their order.
pub fn sorted_by_key<T, K: Ord>(items: Vec<T>, key: impl Fn(&T) -> K) -> Vec<T> {
    let order = order_by(&items, key);
    permute(items, &order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_and_ordered() {
        let items = [(3, 'a'), (1, 'b'), (3, 'c'), (0, 'd'), (1, 'e')];
        let order: Vec<char> = order_by(&items, |x| x.0).into_iter().map(|i| items[i].1).collect();
        assert_eq!(order, ['d', 'b', 'e', 'a', 'c']);
        let sorted: Vec<char> = sorted_by_key(items.to_vec(), |x| x.0).into_iter().map(|x| x.1).collect();
        assert_eq!(sorted, ['d', 'b', 'e', 'a', 'c']);
        let keys: Vec<String> = ["b", "a", "b", "c", "a"].iter().map(|s| s.to_string()).collect();
        assert_eq!(firsts(&keys), [true, true, false, true, false]);
        let mut v: Vec<usize> = (0..100).rev().collect();
        merge_sort(&mut v, &mut |a, b| a > b);
        assert!(v.iter().enumerate().all(|(i, &x)| i == x));
    }
}
