//! numpy's legacy `RandomState`: MT19937 seeded by `init_genrand`, and the masked-rejection bounded
//! integer draw that `RandomState.randint` uses, reproduced bit for bit.

const N: usize = 624;
const M: usize = 397;

/// The Mersenne Twister state of a `numpy.random.RandomState`.
pub struct RandomState {
    key: [u32; N],
    pos: usize,
}

impl RandomState {
    /// `numpy.random.RandomState(seed)` for an integer seed.
    pub fn new(seed: u32) -> RandomState {
        let mut key = [0u32; N];
        key[0] = seed;
        for i in 1..N {
            key[i] = 1_812_433_253u32
                .wrapping_mul(key[i - 1] ^ (key[i - 1] >> 30))
                .wrapping_add(i as u32);
        }
        RandomState { key, pos: N }
    }

    fn generate(&mut self) {
        const UPPER: u32 = 0x8000_0000;
        const LOWER: u32 = 0x7fff_ffff;
        const MATRIX_A: u32 = 0x9908_b0df;
        for i in 0..N {
            let y = (self.key[i] & UPPER) | (self.key[(i + 1) % N] & LOWER);
            let mag = if y & 1 == 1 { MATRIX_A } else { 0 };
            self.key[i] = self.key[(i + M) % N] ^ (y >> 1) ^ mag;
        }
        self.pos = 0;
    }

    /// The next tempered 32-bit output (`genrand_int32`).
    pub fn next_u32(&mut self) -> u32 {
        if self.pos == N {
            self.generate();
        }
        let mut y = self.key[self.pos];
        self.pos += 1;
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c_5680;
        y ^= (y << 15) & 0xefc6_0000;
        y ^ (y >> 18)
    }

    /// `RandomState.randint(low, high, size)` for the default int64 dtype and `high - low <= 2^32`.
    pub fn randint(&mut self, low: i64, high: i64, size: usize) -> Vec<i64> {
        assert!(
            high > low && high - low <= 1 << 32,
            "randint range must be 1..=2^32 wide"
        );
        let rng = (high - low - 1) as u64;
        if rng == 0 {
            return vec![low; size];
        }
        if rng == u32::MAX as u64 {
            return (0..size).map(|_| low + self.next_u32() as i64).collect();
        }
        // Smallest all-ones mask covering rng; draw, mask, reject values above rng.
        let mask = (u32::MAX >> (rng as u32).leading_zeros()) as u64;
        (0..size)
            .map(|_| {
                loop {
                    let v = self.next_u32() as u64 & mask;
                    if v <= rng {
                        break low + v as i64;
                    }
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_outputs_match_reference_mt19937() {
        // Reference outputs of init_genrand(5489) from the MT19937 authors' test vectors.
        let mut rs = RandomState::new(5489);
        assert_eq!(rs.next_u32(), 3_499_211_612);
        assert_eq!(rs.next_u32(), 581_869_302);
        assert_eq!(rs.next_u32(), 3_890_346_734);
    }

    #[test]
    fn randint_stays_in_range() {
        let mut rs = RandomState::new(42);
        let v = rs.randint(0, 17, 1000);
        assert!(v.iter().all(|&x| (0..17).contains(&x)));
        assert!((0..17).all(|k| v.contains(&k)));
    }
}
