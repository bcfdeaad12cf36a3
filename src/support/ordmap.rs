//! A map with string keys that keeps the order in which keys were first inserted: JSON
//! objects (`value::Map`), JSONata objects and scopes, and the few lookup tables of the
//! parser and the timeline analysis.
//!
//! Small maps are searched linearly; from [`INDEXED`] keys on, a table of positions (open
//! addressing over an FNV-1a hash) finds a key. One small generic type instead of
//! `HashMap`, `IndexMap` and `BTreeMap`, whose code weighs tens of kilobytes in the wasm.

/// From this many keys on, a map keeps a table of positions by key.
pub const INDEXED: usize = 12;

/// What a key must be: text, made from a `&str`.
pub trait MapKey: std::ops::Deref<Target = str> + for<'a> From<&'a str> {}
impl<K: std::ops::Deref<Target = str> + for<'a> From<&'a str>> MapKey for K {}

#[derive(Clone)]
pub struct OrdMap<V, K = String> {
    list: Vec<(K, V)>,
    /// Open addressing: `u32::MAX` is an empty slot, any other number a position in `list`.
    /// Empty below [`INDEXED`] entries; at most half full.
    table: Vec<u32>,
}

impl<V, K> Default for OrdMap<V, K> {
    fn default() -> Self {
        OrdMap { list: Vec::new(), table: Vec::new() }
    }
}

fn hash(key: &str) -> u64 {
    // FNV-1a: short keys, no adversary to fear (a slow lookup, not a wrong one).
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key.as_bytes() {
        h = (h ^ b as u64).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn place(table: &mut [u32], key: &str, position: usize) {
    let mask = table.len() - 1;
    let mut slot = hash(key) as usize & mask;
    while table[slot] != u32::MAX {
        slot = (slot + 1) & mask;
    }
    table[slot] = position as u32;
}

impl<V, K: MapKey> OrdMap<V, K> {
    pub fn new() -> Self {
        OrdMap::default()
    }
    pub fn with_capacity(n: usize) -> Self {
        OrdMap { list: Vec::with_capacity(n), table: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.list.len()
    }
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// A map of these entries, in this order; no key may be there twice.
    pub fn from_distinct(list: Vec<(K, V)>) -> Self {
        let mut m = OrdMap { list, table: Vec::new() };
        m.reindex();
        m
    }

    /// Where `key` is in the order of insertion.
    pub fn position(&self, key: &str) -> Option<usize> {
        if self.table.is_empty() {
            return self.list.iter().position(|(k, _)| &**k == key);
        }
        let mask = self.table.len() - 1;
        let mut slot = hash(key) as usize & mask;
        loop {
            match self.table[slot] {
                u32::MAX => return None,
                p if &*self.list[p as usize].0 == key => return Some(p as usize),
                _ => slot = (slot + 1) & mask,
            }
        }
    }

    /// Build the table again for the current entries (or drop it when they are few).
    fn reindex(&mut self) {
        self.table.clear();
        if self.list.len() < INDEXED {
            return;
        }
        self.table.resize((self.list.len() * 2).next_power_of_two(), u32::MAX);
        for (i, (k, _)) in self.list.iter().enumerate() {
            place(&mut self.table, k, i);
        }
    }

    /// Append a key known not to be there.
    fn push(&mut self, key: K, value: V) -> usize {
        self.list.push((key, value));
        let n = self.list.len();
        if n >= INDEXED {
            if self.table.len() < n * 2 {
                self.reindex();
            } else {
                place(&mut self.table, &self.list[n - 1].0, n - 1);
            }
        }
        n - 1
    }

    pub fn get(&self, key: &str) -> Option<&V> {
        self.position(key).map(|i| &self.list[i].1)
    }
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        let i = self.position(key)?;
        Some(&mut self.list[i].1)
    }
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Set `key`; a key already there keeps its place. The value it had, if any.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.position(&key) {
            Some(i) => Some(std::mem::replace(&mut self.list[i].1, value)),
            None => {
                self.push(key, value);
                None
            }
        }
    }
    /// The value at `key`, inserted with `make` first if the key is not there.
    pub fn get_or_insert_with(&mut self, key: &str, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.position(key) {
            Some(i) => i,
            None => self.push(K::from(key), make()),
        };
        &mut self.list[i].1
    }
    /// Take `key` out; the keys after it keep their order.
    pub fn remove(&mut self, key: &str) -> Option<V> {
        let i = self.position(key)?;
        let (_, v) = self.list.remove(i);
        self.reindex();
        Some(v)
    }
    /// Empty the map, giving its values in order.
    pub fn take_values(&mut self) -> impl Iterator<Item = V> {
        self.table.clear();
        std::mem::take(&mut self.list).into_iter().map(|(_, v)| v)
    }
    pub fn clear(&mut self) {
        self.list.clear();
        self.table.clear();
    }

    pub fn iter(&self) -> Iter<'_, V, K> {
        Iter(self.list.iter())
    }
    pub fn iter_mut(&mut self) -> IterMut<'_, V, K> {
        IterMut(self.list.iter_mut())
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator {
        self.list.iter().map(|(k, _)| k)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator {
        self.list.iter().map(|(_, v)| v)
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.list.iter_mut().map(|(_, v)| v)
    }
}

impl<V: std::fmt::Debug, K: MapKey + std::fmt::Debug> std::fmt::Debug for OrdMap<V, K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

pub struct Iter<'a, V, K = String>(std::slice::Iter<'a, (K, V)>);

impl<'a, V, K> Iterator for Iter<'a, V, K> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}
impl<V, K> DoubleEndedIterator for Iter<'_, V, K> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}
impl<V, K> ExactSizeIterator for Iter<'_, V, K> {}

pub struct IterMut<'a, V, K = String>(std::slice::IterMut<'a, (K, V)>);

impl<'a, V, K> Iterator for IterMut<'a, V, K> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a, V, K: MapKey> IntoIterator for &'a OrdMap<V, K> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, V, K>;
    fn into_iter(self) -> Iter<'a, V, K> {
        self.iter()
    }
}

impl<'a, V, K: MapKey> IntoIterator for &'a mut OrdMap<V, K> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, V, K>;
    fn into_iter(self) -> IterMut<'a, V, K> {
        self.iter_mut()
    }
}

impl<V, K> IntoIterator for OrdMap<V, K> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.into_iter()
    }
}

impl<V, K: MapKey> FromIterator<(K, V)> for OrdMap<V, K> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(items: I) -> Self {
        let mut m = OrdMap::new();
        m.extend(items);
        m
    }
}

impl<V, K: MapKey> Extend<(K, V)> for OrdMap<V, K> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, items: I) {
        for (k, v) in items {
            self.insert(k, v);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_small_and_indexed() {
        for n in [3, INDEXED - 1, INDEXED, 200] {
            let mut m = OrdMap::new();
            for i in (0..n).rev() {
                assert_eq!(m.insert(format!("k{i}"), i), None);
            }
            assert_eq!(m.len(), n);
            assert_eq!(m.keys().next().map(String::as_str), Some(&*format!("k{}", n - 1)));
            assert_eq!(m.insert("k1".into(), 100), Some(1));
            assert_eq!(m.position("k1"), Some(n - 2));
            assert_eq!(m.remove("k2"), Some(2));
            assert_eq!(m.get("k2"), None);
            assert_eq!(m.get("k1"), Some(&100));
            assert_eq!(m.get("k0"), Some(&0));
            assert_eq!(m.keys().nth(n - 2).map(String::as_str), Some("k0"));
            *m.get_or_insert_with("new", || 7) += 1;
            assert_eq!(m.values().next_back(), Some(&8));
            assert!(m.contains_key("new") && !m.contains_key("k2"));
        }
    }
}
