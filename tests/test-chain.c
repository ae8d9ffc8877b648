/* test-chain.c: unit tests of sim/chain: hashes against published Bitcoin vectors (SHA-256d,
 * headers, Merkle roots, compact targets, chain work, retargeting), blocks, validation (one test
 * per failure reason), fork choice, orphans, reorganisations and real proof of work. */
#include "chain/cs-block-tree.h"
#include "chain/cs-block.h"
#include "chain/cs-hash.h"
#include "chain/cs-merkle.h"
#include "chain/cs-retarget.h"
#include "chain/cs-tx.h"
#include "chain/cs-u256.h"
#include "chain/cs-validate.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <string.h>

/* The chain module does not depend on the engine: declare the autoptr here, not via cs-rng.h. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_rng, gsl_rng_free)

/* An easy compact target: 0xffff * 2^224, about 2^-16 of hashes meet it. */
#define EASY_BITS 0x1f00ffffu
/* A node clock far in the future of every test block. */
#define LATE (365 * CS_DAY)

/* ---- helpers ---------------------------------------------------------------------------- */

static void
hex_to_bytes (const char *hex, guint8 *out, gsize n)
{
  g_assert_cmpuint (strlen (hex), ==, 2 * n);
  for (gsize i = 0; i < n; i++)
    out[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4
                       | g_ascii_xdigit_value (hex[2 * i + 1]));
}

static CsHash
H (const char *display_hex)
{
  CsHash h;
  g_assert_true (cs_hash_from_hex (display_hex, &h));
  return h;
}

static void
assert_hash (const CsHash *h, const char *display_hex)
{
  char buf[CS_HASH_HEX_LEN];
  g_assert_cmpstr (cs_hash_to_hex (h, buf), ==, display_hex);
}

static CsU256
U (const char *hex)
{
  CsU256 v;
  g_assert_true (cs_u256_from_hex (&v, hex));
  return v;
}

static void
assert_u256 (const CsU256 *v, const char *hex)
{
  CsU256 want = U (hex);
  if (cs_u256_cmp (v, &want) != 0)
    {
      char a[CS_U256_HEX_LEN], b[CS_U256_HEX_LEN];
      g_error ("u256 %s != expected %s", cs_u256_to_hex (v, a), cs_u256_to_hex (&want, b));
    }
}

/* A simulated-PoW block on @parent with two real sampled transactions. */
static CsBlock *
mk_block (CsBlock *parent, CsTime ts, guint32 bits, guint32 miner, guint64 *ctr)
{
  CsTx txs[2];
  CsBlockTemplate t = { 0 };

  cs_tx_init (&txs[0], miner, (guint64) ts, 1, 2, 5000, 226, 226);
  cs_tx_init (&txs[1], miner + 1, (guint64) ts + 1, 2, 1, 7000, 374, 374);
  t.version = 1;
  t.bits = bits;
  t.timestamp = ts;
  t.miner = miner;
  t.n_tx = 2000;
  t.size = 500000;
  t.txs = txs;
  t.n_txs = 2;
  t.simulated_pow = TRUE;
  return cs_block_new (parent, &t, ctr);
}

static CsBlock *
mk_genesis (guint32 bits, guint64 *ctr)
{
  return mk_block (NULL, 0, bits, 0, ctr);
}

/* A child one block interval (600 s) after its parent, plus @jitter ns. */
static CsBlock *
mk_child (CsBlock *parent, guint32 miner, CsTime jitter, guint64 *ctr)
{
  return mk_block (parent, cs_block_timestamp (parent) + 600 * CS_SEC + jitter,
                   cs_block_bits (parent), miner, ctr);
}

/* ---- hashes ------------------------------------------------------------------------------- */

static void
test_hash_sha256d_vector (void)
{
  CsHash h;
  char buf[CS_HASH_HEX_LEN];

  /* sha256d ("") and sha256d ("abc"), written in digest byte order. */
  cs_sha256d ("", 0, &h);
  g_assert_cmpstr (cs_hash_to_hex_internal (&h, buf), ==,
                   "5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456");
  cs_sha256d ("abc", 3, &h);
  g_assert_cmpstr (cs_hash_to_hex_internal (&h, buf), ==,
                   "4f8b42c22dd3729b519ba6f68d2da7cc5b2d606d05daed5ad5128cc03e6c6358");
  /* Display order is the reverse. */
  g_assert_cmpstr (cs_hash_to_hex (&h, buf), ==,
                   "58636c3ec08c12d55aedda056d602d5bcca72d8df6a69b519b72d32dc2428b4f");
}

/* Bitcoin headers (genesis, 170, 100000) serialized by our code hash to the real block hashes. */
static void
test_hash_bitcoin_headers (void)
{
  static const struct
  {
    gint32 version;
    const char *prev, *merkle;
    guint32 time, bits, nonce;
    const char *hash;
  } v[] = {
    { 1, "0000000000000000000000000000000000000000000000000000000000000000",
      "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b", 1231006505,
      0x1d00ffff, 2083236893, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f" },
    { 1, "000000002a22cfee1f2c846adbd12b3e183d4f97683f85dad08a79780a84bd55",
      "7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff", 1231731025,
      0x1d00ffff, 1889418792, "00000000d1145790a8694403d4063f323d499e655c83426834d4ce2f8dd4a2ee" },
    { 1, "000000000002d01c1fccc21636b607dfd930d31d01c3a62104612a1719011250",
      "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766", 1293623863,
      0x1b04864c, 274148111, "000000000003ba27aa200b1cecaad478d2b00432346c3f1f3986da1afd33e506" },
  };
  guint8 ser[CS_BLOCK_HEADER_SIZE], want[CS_BLOCK_HEADER_SIZE];

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      CsBlockHeader h = { 0 };
      CsHash hash;
      CsU256 target;

      h.version = v[i].version;
      h.prev = H (v[i].prev);
      h.merkle_root = H (v[i].merkle);
      h.time = v[i].time;
      h.bits = v[i].bits;
      h.nonce = v[i].nonce;
      cs_block_header_hash (&h, &hash);
      assert_hash (&hash, v[i].hash);
      cs_u256_from_compact (&target, h.bits, NULL, NULL);
      g_assert_true (cs_hash_meets_target (&hash, &target));
    }

  /* The genesis header byte for byte, as published. */
  {
    CsBlockHeader g = { 1, { { 0 } }, H (v[0].merkle), 1231006505, 0x1d00ffff, 2083236893 };
    cs_block_header_serialize_bitcoin (&g, ser);
    hex_to_bytes ("0100000000000000000000000000000000000000000000000000000000000000000000003ba3ed"
                  "fd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab5f49ffff001d1d"
                  "ac2b7c", want, sizeof want);
    g_assert_cmpmem (ser, sizeof ser, want, sizeof want);
  }
}

static void
test_hash_hex_compare (void)
{
  CsHash a, b;
  char buf[CS_HASH_HEX_LEN];

  a = H ("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  /* Display order is reversed: the last display byte is b[0]. */
  g_assert_cmpuint (a.b[0], ==, 0x6f);
  g_assert_cmpuint (a.b[31], ==, 0x00);
  g_assert_cmpstr (cs_hash_to_hex_internal (&a, buf), ==,
                   "6fe28c0ab6f1b372c1a6a246ae63f74f931e8365e15a089c68d6190000000000");
  g_assert_false (cs_hash_from_hex ("xyz", &b));
  g_assert_false (cs_hash_from_hex ("g00000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
                                    &b));
  g_assert_true (cs_hash_is_zero (&b));

  /* Compared as little-endian numbers: the most significant byte is b[31]. */
  memset (&a, 0, sizeof a);
  memset (&b, 0, sizeof b);
  a.b[31] = 1;
  b.b[0] = 0xff;
  g_assert_cmpint (cs_hash_compare (&a, &b), ==, 1);
  g_assert_cmpint (cs_hash_compare (&b, &a), ==, -1);
  g_assert_cmpint (cs_hash_compare (&a, &a), ==, 0);
  g_assert_true (cs_hash_equal_func (&a, &a));
  g_assert_false (cs_hash_equal_func (&a, &b));
}

/* hash <= target passes, target - 1 fails (Bitcoin's boundary). */
static void
test_hash_target (void)
{
  CsHash h = H ("00000000000000000000000000000000000000000000000000000000000f0000");
  CsU256 t = U ("f0000"), t1 = U ("effff"), v;

  g_assert_true (cs_hash_meets_target (&h, &t));
  g_assert_false (cs_hash_meets_target (&h, &t1));
  cs_hash_to_u256 (&h, &v);
  g_assert_cmpint (cs_u256_cmp (&v, &t), ==, 0);
  cs_hash_from_u256 (&t1, &h);
  assert_hash (&h, "00000000000000000000000000000000000000000000000000000000000effff");
}

/* ---- 256-bit arithmetic -------------------------------------------------------------------- */

static void
test_u256_arith (void)
{
  CsU256 a, b, r, q, m;
  char buf[CS_U256_HEX_LEN];

  a = U ("ffffffffffffffff");
  cs_u256_set_u64 (&b, 1);
  g_assert_false (cs_u256_add (&r, &a, &b));
  assert_u256 (&r, "10000000000000000");
  g_assert_false (cs_u256_sub (&r, &r, &b));
  assert_u256 (&r, "ffffffffffffffff");
  g_assert_true (cs_u256_sub (&r, &b, &a));  /* borrow */
  cs_u256_set_max (&a);
  g_assert_true (cs_u256_add (&r, &a, &b));  /* saturates */
  g_assert_cmpint (cs_u256_cmp (&r, &a), ==, 0);

  cs_u256_set_u64 (&a, 1);
  cs_u256_shl (&r, &a, 255);
  g_assert_cmpuint (cs_u256_bits (&r), ==, 256);
  g_assert_cmpstr (cs_u256_to_hex (&r, buf), ==,
                   "8000000000000000000000000000000000000000000000000000000000000000");
  cs_u256_shr (&r, &r, 190);
  assert_u256 (&r, "20000000000000000");
  cs_u256_shl (&r, &r, 256);
  g_assert_true (cs_u256_is_zero (&r));
  g_assert_cmpuint (cs_u256_bits (&r), ==, 0);

  /* Division: q * d + r == n, r < d, over numbers of many sizes. */
  {
    g_autoptr (gsl_rng) rng = gsl_rng_alloc (gsl_rng_taus2);
    gsl_rng_set (rng, 7);
    for (int i = 0; i < 200; i++)
      {
        CsU256 n, d, back, rem;
        for (int k = 0; k < 4; k++)
          {
            n.w[k] = ((guint64) gsl_rng_get (rng) << 32) | gsl_rng_get (rng);
            d.w[k] = ((guint64) gsl_rng_get (rng) << 32) | gsl_rng_get (rng);
          }
        cs_u256_shr (&d, &d, (guint) gsl_rng_uniform_int (rng, 256));
        if (cs_u256_is_zero (&d))
          cs_u256_set_u64 (&d, 3);
        cs_u256_divmod (&q, &rem, &n, &d);
        g_assert_cmpint (cs_u256_cmp (&rem, &d), <, 0);
        /* back = q * d by shift-and-add (independent of divmod). */
        cs_u256_set_u64 (&back, 0);
        for (int bit = 0; bit < 256; bit++)
          if ((d.w[bit / 64] >> (bit % 64)) & 1)
            {
              CsU256 s;
              cs_u256_shl (&s, &q, (guint) bit);
              cs_u256_add (&back, &back, &s);
            }
        cs_u256_add (&back, &back, &rem);
        g_assert_cmpint (cs_u256_cmp (&back, &n), ==, 0);
      }
  }

  /* mul_div with a 320-bit intermediate: (2^255) * 6 / 4 does not fit; 2^254 * 3 / 4 does. */
  cs_u256_set_u64 (&a, 1);
  cs_u256_shl (&m, &a, 254);
  g_assert_false (cs_u256_mul_div_u64 (&r, &m, 3, 4));
  cs_u256_set_u64 (&q, 3);
  cs_u256_shl (&q, &q, 252);
  g_assert_cmpint (cs_u256_cmp (&r, &q), ==, 0);
  cs_u256_shl (&m, &a, 255);
  g_assert_true (cs_u256_mul_div_u64 (&r, &m, 6, 2));
  g_assert_false (cs_u256_mul_div_u64 (&r, &m, 6, 4));
  cs_u256_set_u64 (&q, 3);
  cs_u256_shl (&q, &q, 254);
  g_assert_cmpint (cs_u256_cmp (&r, &q), ==, 0);
}

/* Bitcoin's compact encoding (arith_uint256_tests.cpp vectors). */
static void
test_u256_compact (void)
{
  static const struct
  {
    guint32 bits;
    const char *value;
    gboolean negative, overflow;
    guint32 canonical;  /* GetCompact of the value */
  } v[] = {
    { 0x00000000, "0", FALSE, FALSE, 0 },
    { 0x00123456, "0", FALSE, FALSE, 0 },
    { 0x01003456, "0", FALSE, FALSE, 0 },
    { 0x02000056, "0", FALSE, FALSE, 0 },
    { 0x03000000, "0", FALSE, FALSE, 0 },
    { 0x04000000, "0", FALSE, FALSE, 0 },
    { 0x00923456, "0", FALSE, FALSE, 0 },
    { 0x01803456, "0", FALSE, FALSE, 0 },
    { 0x02800056, "0", FALSE, FALSE, 0 },
    { 0x03800000, "0", FALSE, FALSE, 0 },
    { 0x04800000, "0", FALSE, FALSE, 0 },
    { 0x01123456, "12", FALSE, FALSE, 0x01120000 },
    { 0x01fedcba, "7e", TRUE, FALSE, 0x017e0000 },
    { 0x02123456, "1234", FALSE, FALSE, 0x02123400 },
    { 0x03123456, "123456", FALSE, FALSE, 0x03123456 },
    { 0x04123456, "12345600", FALSE, FALSE, 0x04123456 },
    { 0x04923456, "12345600", TRUE, FALSE, 0x04123456 },
    { 0x05009234, "92340000", FALSE, FALSE, 0x05009234 },
    { 0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", FALSE,
      FALSE, 0x20123456 },
    { 0x1d00ffff, "ffff0000000000000000000000000000000000000000000000000000", FALSE, FALSE,
      0x1d00ffff },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      CsU256 r;
      gboolean neg, over;
      cs_u256_from_compact (&r, v[i].bits, &neg, &over);
      assert_u256 (&r, v[i].value);
      g_assert_cmpint (neg, ==, v[i].negative);
      g_assert_cmpint (over, ==, v[i].overflow);
      g_assert_cmphex (cs_u256_to_compact (&r), ==, v[i].canonical);
    }
  {
    CsU256 r;
    gboolean neg, over;
    cs_u256_from_compact (&r, 0xff123456, &neg, &over);
    g_assert_true (over);
    /* 0x80 needs a fourth mantissa byte: the sign bit must stay clear. */
    cs_u256_set_u64 (&r, 0x80);
    g_assert_cmphex (cs_u256_to_compact (&r), ==, 0x02008000);
  }
}

static void
test_u256_work (void)
{
  CsU256 t, w;

  /* Bitcoin's chainwork of the genesis block is 0x100010001. */
  cs_u256_from_compact (&t, 0x1d00ffff, NULL, NULL);
  cs_u256_work (&w, &t);
  assert_u256 (&w, "100010001");
  cs_u256_set_max (&t);
  cs_u256_work (&w, &t);
  assert_u256 (&w, "1");
  /* target 2^255 - 1: floor (2^256 / 2^255) = 2. */
  cs_u256_shr (&t, &t, 1);
  cs_u256_work (&w, &t);
  assert_u256 (&w, "2");
  /* target 1: 2^255. */
  cs_u256_set_u64 (&t, 1);
  cs_u256_work (&w, &t);
  assert_u256 (&w, "8000000000000000000000000000000000000000000000000000000000000000");
  /* target 2: floor (2^256 / 3). */
  cs_u256_set_u64 (&t, 2);
  cs_u256_work (&w, &t);
  assert_u256 (&w, "5555555555555555555555555555555555555555555555555555555555555555");
  cs_u256_set_u64 (&t, 0);
  cs_u256_work (&w, &t);
  g_assert_true (cs_u256_is_zero (&w));
}

/* ---- transactions -------------------------------------------------------------------------- */

static void
test_tx_id (void)
{
  CsTx a, b;
  guint8 ser[CS_TX_BODY_SIZE], want[CS_TX_BODY_SIZE];
  CsHash id;

  cs_tx_init (&a, 0x01020304, 0x1122334455667788, 2, 3, 1000, 50, 374);
  cs_tx_serialize (&a, ser);
  hex_to_bytes ("04030201" "8877665544332211" "0200" "0300" "e803000000000000"
                "3200000000000000" "76010000", want, sizeof want);
  g_assert_cmpmem (ser, sizeof ser, want, sizeof want);
  cs_sha256d (want, sizeof want, &id);
  g_assert_true (cs_hash_equal (&id, &a.id));
  g_assert_true (cs_tx_id_valid (&a));

  b = a;
  b.fee++;
  g_assert_false (cs_tx_id_valid (&b));
  cs_tx_compute_id (&b, &b.id);
  g_assert_false (cs_hash_equal (&a.id, &b.id));

  {
    g_autoptr (CsTx) c = cs_tx_new (0x01020304, 0x1122334455667788, 2, 3, 1000, 50, 374);
    g_assert_true (cs_hash_equal (&c->id, &a.id));
  }
}

static void
test_tx_random (void)
{
  g_autoptr (gsl_rng) r1 = gsl_rng_alloc (gsl_rng_taus2);
  g_autoptr (gsl_rng) r2 = gsl_rng_alloc (gsl_rng_taus2);
  GHashTable *seen = g_hash_table_new (cs_hash_hash_func, cs_hash_equal_func);
  CsTx txs[500];

  gsl_rng_set (r1, 42);
  gsl_rng_set (r2, 42);
  for (int i = 0; i < 500; i++)
    {
      g_autoptr (CsTx) t2 = cs_tx_new_random (r2, 100);
      cs_tx_init_random (&txs[i], r1, 100);
      g_assert_true (cs_hash_equal (&txs[i].id, &t2->id));
      g_assert_true (cs_tx_id_valid (&txs[i]));
      g_assert_cmpuint (txs[i].sender, <, 100);
      g_assert_cmpuint (txs[i].n_inputs, >=, 1);
      g_assert_cmpuint (txs[i].n_inputs, <=, 3);
      g_assert_cmpuint (txs[i].n_outputs, >=, 1);
      g_assert_cmpuint (txs[i].n_outputs, <=, 2);
      g_assert_cmpuint (txs[i].size, ==, 10 + 148 * txs[i].n_inputs + 34 * txs[i].n_outputs);
      g_assert_cmpuint (txs[i].fee, >=, txs[i].size);
      g_assert_cmpuint (txs[i].fee, <=, 50 * (guint64) txs[i].size);
      g_hash_table_add (seen, &txs[i].id);
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, 500);
  g_hash_table_unref (seen);
}

/* ---- Merkle -------------------------------------------------------------------------------- */

static void
check_root (const char *const *txids, gsize n, const char *root)
{
  CsHash *leaves = g_new (CsHash, n), out;
  for (gsize i = 0; i < n; i++)
    leaves[i] = H (txids[i]);
  cs_merkle_root (leaves, n, &out);
  assert_hash (&out, root);
  g_free (leaves);
}

static void
test_merkle_bitcoin_vectors (void)
{
  /* Genesis: one transaction, the root is its id. */
  static const char *const b0[] = {
    "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b" };
  /* Block 170: the first payment. */
  static const char *const b170[] = {
    "b1fea52486ce0c62bb442b530a3f0132b826c74e473d1f2c220bfa78111c5082",
    "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16" };
  /* Block 100000: four transactions. */
  static const char *const b100k[] = {
    "8c14f0db3df150123e6f3dbbf30f8b955a8249b62ac1d1ff16284aefa3d06d87",
    "fff2525b8931402dd09222c50775608f75787bd2b87e56995a7bdd30f79702c4",
    "6359f0868171b1d194cbee1af2f16ea598ae8fad666d9b012c8ed2b79a236ec4",
    "e9a66845e05d5abc0ad04ec80f774a7e585c6e8db975962d069a522137b80c1d" };
  /* Seven ids (odd levels 7 -> 4 and 3 -> 2 duplicate their last hash), from "Programming
   * Bitcoin" ch. 11 (testnet block 0000000000000451fa80...). */
  static const char *const seven[] = {
    "42f6f52f17620653dcc909e58bb352e0bd4bd1381e2955d19c00959a22122b2e",
    "94c3af34b9667bf787e1c6a0a009201589755d01d02fe2877cc69b929d2418d4",
    "959428d7c48113cb9149d0566bde3d46e98cf028053c522b8fa8f735241aa953",
    "a9f27b99d5d108dede755710d4a1ffa2c74af70b4ca71726fa57d68454e609a2",
    "62af110031e29de1efcad103b3ad4bec7bdcf6cb9c9f4afdd586981795516577",
    "766900590ece194667e9da2984018057512887110bf54fe0aa800157aec796ba",
    "e8270fb475763bc8d855cfe45ed98060988c1bdcad2ffc8364f783c98999a208" };

  check_root (b0, 1, b0[0]);
  check_root (b170, 2, "7dac2c5666815c17a3b36427de37bb9d2e2c5ccec3f8633eb91a4205cb4c10ff");
  check_root (b100k, 4, "f3e94742aca4b5ef85488dc37c06c3282295ffec960994b2c0d5ac2a25a95766");
  check_root (seven, 7, "654d6181e18e4ac4368383fdc5eead11bf138f9b7ac1e15334e4411b3c4797d9");
}

static void
test_merkle_structure (void)
{
  CsHash l[4], ab, cc, want, got, got4;
  guint8 buf[64];

  for (int i = 0; i < 3; i++)
    cs_sha256d (&i, sizeof i, &l[i]);
  /* By hand: root = sha256d (sha256d (a || b) || sha256d (c || c)). */
  memcpy (buf, l[0].b, 32);
  memcpy (buf + 32, l[1].b, 32);
  cs_sha256d (buf, 64, &ab);
  memcpy (buf, l[2].b, 32);
  memcpy (buf + 32, l[2].b, 32);
  cs_sha256d (buf, 64, &cc);
  memcpy (buf, ab.b, 32);
  memcpy (buf + 32, cc.b, 32);
  cs_sha256d (buf, 64, &want);
  cs_merkle_root (l, 3, &got);
  g_assert_true (cs_hash_equal (&got, &want));

  /* The known duplication property (CVE-2012-2459): [a, b, c] and [a, b, c, c] agree. */
  l[3] = l[2];
  cs_merkle_root (l, 4, &got4);
  g_assert_true (cs_hash_equal (&got, &got4));
  /* Order matters. */
  {
    CsHash swapped[3] = { l[1], l[0], l[2] };
    cs_merkle_root (swapped, 3, &got4);
    g_assert_false (cs_hash_equal (&got, &got4));
  }
  cs_merkle_root (NULL, 0, &got);
  g_assert_true (cs_hash_is_zero (&got));
}

/* ---- blocks -------------------------------------------------------------------------------- */

static void
test_block_refcount (void)
{
  guint64 ctr = 0;
  CsBlock *g = mk_genesis (EASY_BITS, &ctr);
  CsBlock *c = mk_child (g, 1, 0, &ctr);
  CsBlock *tip;

  g_assert_true (cs_block_ref (c) == c);
  cs_block_unref (c);
  /* The child holds its parent: dropping ours leaves the parent alive (ASan checks). */
  cs_block_unref (g);
  g_assert_cmpuint (cs_block_height (cs_block_parent (c)), ==, 0);
  g_assert_true (cs_hash_equal (cs_block_prev_hash (c), cs_block_hash (cs_block_parent (c))));
  cs_block_unref (c);

  /* A 200,000-block chain held only by its tip is freed iteratively (no deep recursion). */
  tip = mk_genesis (EASY_BITS, &ctr);
  for (int i = 0; i < 200000; i++)
    {
      CsBlockTemplate t = { .bits = EASY_BITS, .timestamp = (i + 1) * CS_SEC,
                            .simulated_pow = TRUE };
      CsBlock *n = cs_block_new (tip, &t, &ctr);
      cs_block_unref (tip);
      tip = n;
    }
  g_assert_cmpuint (cs_block_height (tip), ==, 200000);
  g_assert_true (cs_block_get_ancestor (tip, 0) != NULL);
  g_assert_cmpuint (cs_block_height (cs_block_get_ancestor (tip, 12345)), ==, 12345);
  {
    g_autoptr (CsBlock) held = cs_block_ref (tip);
    cs_block_unref (tip);
  }
}

static void
test_block_fields (void)
{
  guint64 ctr = 5;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  g_autoptr (CsBlock) a = mk_block (g, 1500 * CS_SEC + 123, EASY_BITS, 7, &ctr);
  g_autoptr (CsBlock) b = mk_block (g, 1500 * CS_SEC + 123, EASY_BITS, 7, &ctr);
  CsU256 w, sum;
  guint n;
  const CsTx *txs;
  CsHash root;

  g_assert_cmpuint (ctr, ==, 8);
  g_assert_cmpuint (cs_block_serial (g), ==, 5);
  g_assert_cmpuint (cs_block_serial (a), ==, 6);
  g_assert_cmpuint (cs_block_height (a), ==, 1);
  g_assert_true (cs_hash_is_zero (cs_block_prev_hash (g)));
  g_assert_null (cs_block_parent (g));
  g_assert_true (cs_hash_equal (cs_block_prev_hash (a), cs_block_hash (g)));
  g_assert_cmpuint (cs_block_header (a)->time, ==, 1500);
  g_assert_cmpint (cs_block_timestamp (a), ==, 1500 * CS_SEC + 123);
  g_assert_cmpuint (cs_block_miner (a), ==, 7);
  g_assert_cmpuint (cs_block_n_tx (a), ==, 2000);
  g_assert_cmpuint (cs_block_size (a), ==, 500000);
  /* Same template, distinct serials: leaf 0 differs, so do the Merkle root and the hash. */
  g_assert_false (cs_hash_equal (cs_block_hash (a), cs_block_hash (b)));
  g_assert_false (cs_hash_equal (&cs_block_header (a)->merkle_root,
                                 &cs_block_header (b)->merkle_root));
  /* The header hash is the sha256d of the header. */
  {
    CsHash h;
    cs_block_header_hash (cs_block_header (a), &h);
    g_assert_true (cs_hash_equal (&h, cs_block_hash (a)));
  }
  cs_block_compute_merkle_root (a, &root);
  g_assert_true (cs_hash_equal (&root, &cs_block_header (a)->merkle_root));
  txs = cs_block_txs (a, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_true (cs_tx_id_valid (&txs[1]));

  /* Chain work is the exact sum. */
  cs_block_work (g, &w);
  cs_u256_add (&sum, &w, &w);
  g_assert_cmpint (cs_u256_cmp (cs_block_chain_work (a), &sum), ==, 0);
  g_assert_cmpint (cs_u256_cmp (cs_block_chain_work (g), &w), ==, 0);
  assert_u256 (&w, "10001");
  g_assert_cmpuint (cs_block_memory_size (a), >=, 2 * sizeof (CsTx));

  /* size 0 in a template: header + sampled transactions. */
  {
    CsTx tx;
    CsBlockTemplate t = { .bits = EASY_BITS, .timestamp = 5, .txs = &tx, .n_txs = 1, .n_tx = 1,
                          .simulated_pow = TRUE };
    g_autoptr (CsBlock) s = NULL;
    cs_tx_init (&tx, 1, 2, 1, 1, 10, 1, 191);
    s = cs_block_new (g, &t, &ctr);
    g_assert_cmpuint (cs_block_size (s), ==, 80 + 191);
  }
}

static void
test_block_ancestor (void)
{
  guint64 ctr = 0;
  GPtrArray *chain = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
  CsBlock *fork;

  g_ptr_array_add (chain, mk_genesis (EASY_BITS, &ctr));
  for (int i = 1; i <= 1000; i++)
    g_ptr_array_add (chain, mk_child (g_ptr_array_index (chain, i - 1), 1, 0, &ctr));
  for (guint from = 0; from <= 1000; from += 37)
    for (guint h = 0; h <= from; h++)
      g_assert_true (cs_block_get_ancestor (g_ptr_array_index (chain, from), h)
                     == g_ptr_array_index (chain, h));
  g_assert_null (cs_block_get_ancestor (g_ptr_array_index (chain, 10), 11));

  /* A fork off height 700, 50 blocks long. */
  fork = cs_block_ref (g_ptr_array_index (chain, 700));
  for (int i = 0; i < 50; i++)
    {
      CsBlock *n = mk_child (fork, 2, 1, &ctr);
      cs_block_unref (fork);
      fork = n;
    }
  g_assert_true (cs_block_common_ancestor (fork, g_ptr_array_index (chain, 1000))
                 == g_ptr_array_index (chain, 700));
  g_assert_true (cs_block_common_ancestor (g_ptr_array_index (chain, 720), fork)
                 == g_ptr_array_index (chain, 700));
  g_assert_true (cs_block_common_ancestor (g_ptr_array_index (chain, 300), fork)
                 == g_ptr_array_index (chain, 300));
  cs_block_unref (fork);
  g_ptr_array_unref (chain);
}

static void
test_block_median_time (void)
{
  guint64 ctr = 0;
  /* Timestamps out of order: 0, 50, 10, 40, 20, 30 (s). */
  static const int ts[] = { 50, 10, 40, 20, 30 };
  CsBlock *b = mk_genesis (EASY_BITS, &ctr);

  for (gsize i = 0; i < G_N_ELEMENTS (ts); i++)
    {
      CsBlock *n = mk_block (b, ts[i] * CS_SEC, EASY_BITS, 1, &ctr);
      cs_block_unref (b);
      b = n;
    }
  /* Six blocks {0, 10, 20, 30, 40, 50}: upper median 30; the last three {40, 20, 30}: 30;
   * the last two {20, 30}: 30. */
  g_assert_cmpint (cs_block_median_time_past (b, 11), ==, 30 * CS_SEC);
  g_assert_cmpint (cs_block_median_time_past (b, 3), ==, 30 * CS_SEC);
  g_assert_cmpint (cs_block_median_time_past (b, 2), ==, 30 * CS_SEC);
  g_assert_cmpint (cs_block_median_time_past (b, 1), ==, 30 * CS_SEC);
  g_assert_cmpint (cs_block_median_time_past (cs_block_parent (b), 4), ==, 40 * CS_SEC);
  cs_block_unref (b);
}

/* ---- validation ---------------------------------------------------------------------------- */

/* The template mk_block() would use, for variations. */
static void
tmpl_for (CsBlockTemplate *t, CsTx txs[2], const CsBlock *parent, CsTime ts)
{
  memset (t, 0, sizeof *t);
  cs_tx_init (&txs[0], 3, 1, 1, 2, 5000, 226, 226);
  cs_tx_init (&txs[1], 4, 2, 2, 1, 7000, 374, 374);
  t->version = 1;
  t->bits = cs_block_bits (parent);
  t->timestamp = ts;
  t->miner = 9;
  t->n_tx = 2000;
  t->size = 500000;
  t->txs = txs;
  t->n_txs = 2;
  t->simulated_pow = TRUE;
}

static void
test_validate_each_failure_reason (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  CsBlock *p, *g;
  CsBlockTemplate t;
  CsTx txs[2];
  CsTime ts, now, mtp;
  gboolean seen[CS_BLOCK_N_STATUS] = { FALSE };

  cs_validate_params_init (&vp);
  g = mk_genesis (EASY_BITS, &ctr);
  p = cs_block_ref (g);
  /* Twelve blocks 600 s apart: the parent's median time past is block 6's, 3600 s. */
  for (int i = 0; i < 11; i++)
    {
      CsBlock *n = mk_child (p, 1, 0, &ctr);
      cs_block_unref (p);
      p = n;
    }
  mtp = cs_block_median_time_past (p, 11);
  g_assert_cmpint (mtp, ==, 3600 * CS_SEC);
  ts = cs_block_timestamp (p) + 600 * CS_SEC;
  now = ts;

#define EXPECT(block_expr, parent, clock, want)                                               \
  do                                                                                          \
    {                                                                                         \
      g_autoptr (CsBlock) b_ = (block_expr);                                                  \
      CsBlockStatus s_ = cs_block_validate (b_, (parent), (clock), &vp);                      \
      if (s_ != (want))                                                                       \
        g_error ("line %d: got %s, want %s", __LINE__, cs_block_status_to_string (s_),        \
                 cs_block_status_to_string (want));                                           \
      seen[want] = TRUE;                                                                      \
    }                                                                                         \
  while (0)

  /* Valid, including at the edges of each rule. */
  tmpl_for (&t, txs, p, ts);
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_VALID);
  tmpl_for (&t, txs, p, mtp + 1);
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_VALID);
  tmpl_for (&t, txs, p, now + 2 * CS_HOUR);
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_VALID);
  tmpl_for (&t, txs, p, ts);
  t.size = vp.max_block_size;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_VALID);

  /* bad-link: validated against a block that is not its parent, or none. */
  tmpl_for (&t, txs, p, ts);
  EXPECT (cs_block_new (p, &t, &ctr), cs_block_parent (p), now, CS_BLOCK_BAD_LINK);
  EXPECT (cs_block_new (p, &t, &ctr), NULL, now, CS_BLOCK_BAD_LINK);
  {
    /* A forged header whose prev hash is wrong. */
    g_autoptr (CsBlock) ok = cs_block_new (p, &t, &ctr);
    CsBlockHeader h = *cs_block_header (ok);
    h.prev.b[0] ^= 1;
    EXPECT (cs_block_new_forged (p, &h, &t, &ctr), p, now, CS_BLOCK_BAD_LINK);
  }

  /* bad-pow: claims real work it did not do; or bits that decode to nothing. */
  tmpl_for (&t, txs, p, ts);
  t.simulated_pow = FALSE;
  {
    g_autoptr (CsBlock) b = cs_block_new (p, &t, &ctr);
    /* About 2^-16 of hashes meet this target; make sure this one does not. */
    g_assert_false (cs_hash_meets_target (cs_block_hash (b), cs_block_target (b)));
    EXPECT (cs_block_ref (b), p, now, CS_BLOCK_BAD_POW);
  }
  tmpl_for (&t, txs, p, ts);
  t.bits = 0x04923456;  /* negative */
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_BAD_POW);

  /* bad-body: a sample larger than the block, a size smaller than its sample, a header time
   * that is not the committed timestamp. */
  tmpl_for (&t, txs, p, ts);
  t.n_tx = 1;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_BAD_BODY);
  tmpl_for (&t, txs, p, ts);
  t.size = 80 + 226 + 373;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_BAD_BODY);
  tmpl_for (&t, txs, p, ts);
  {
    g_autoptr (CsBlock) ok = cs_block_new (p, &t, &ctr);
    CsBlockHeader h = *cs_block_header (ok);
    h.time += 1;
    EXPECT (cs_block_new_forged (p, &h, &t, &ctr), p, now, CS_BLOCK_BAD_BODY);
  }

  /* bad-tx: a transaction altered after its id was computed. */
  tmpl_for (&t, txs, p, ts);
  txs[1].amount += 1;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_BAD_TX);

  /* bad-merkle: a header committing to other contents. */
  tmpl_for (&t, txs, p, ts);
  {
    g_autoptr (CsBlock) ok = cs_block_new (p, &t, &ctr);
    CsBlockHeader h = *cs_block_header (ok);
    CsTx other[2];
    CsBlockTemplate t2;
    /* Right root, wrong contents (the sample differs)... */
    tmpl_for (&t2, other, p, ts);
    other[0] = txs[1];
    other[1] = txs[0];
    EXPECT (cs_block_new_forged (p, &h, &t2, &ctr), p, now, CS_BLOCK_BAD_MERKLE);
    /* ...and a root of zeros. */
    memset (&h.merkle_root, 0, sizeof h.merkle_root);
    EXPECT (cs_block_new_forged (p, &h, &t, &ctr), p, now, CS_BLOCK_BAD_MERKLE);
  }

  /* bad-target: easier than the rule allows (fixed difficulty: the parent's bits). */
  tmpl_for (&t, txs, p, ts);
  t.bits = 0x2000ffff;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_BAD_TARGET);

  /* time-too-old: not above the median time past. */
  tmpl_for (&t, txs, p, mtp);
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_TIME_TOO_OLD);

  /* time-too-new: more than 2 h ahead of the node's clock. */
  tmpl_for (&t, txs, p, now + 2 * CS_HOUR + 1);
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_TIME_TOO_NEW);

  /* too-large. */
  tmpl_for (&t, txs, p, ts);
  t.size = vp.max_block_size + 1;
  EXPECT (cs_block_new (p, &t, &ctr), p, now, CS_BLOCK_TOO_LARGE);

  /* Every reason but bad-parent (a block-tree verdict, tested there) was produced; names are
   * distinct. */
  for (int s = 0; s < CS_BLOCK_N_STATUS; s++)
    {
      if (s != CS_BLOCK_BAD_PARENT)
        g_assert_true (seen[s]);
      g_assert_cmpstr (cs_block_status_to_string (s), !=, "unknown");
      for (int u = 0; u < s; u++)
        g_assert_cmpstr (cs_block_status_to_string (s), !=, cs_block_status_to_string (u));
    }
  g_assert_cmpstr (cs_block_status_to_string (CS_BLOCK_N_STATUS), ==, "unknown");
#undef EXPECT
  cs_block_unref (p);
  cs_block_unref (g);
}

/* The intrinsic verdict is computed once and stored on the shared block. */
static void
test_validate_memo (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  g_autoptr (CsBlock) c = mk_child (g, 1, 0, &ctr);

  cs_validate_params_init (&vp);
  g_assert_cmpint (cs__block_get_memo (c), ==, 0);
  g_assert_cmpint (cs_block_validate (c, g, LATE, &vp), ==, CS_BLOCK_VALID);
  g_assert_cmpint (cs__block_get_memo (c), ==, CS_BLOCK_VALID + 1);
  /* A context failure does not touch the memo. */
  g_assert_cmpint (cs_block_validate (c, g, 600 * CS_SEC - 2 * CS_HOUR - 1, &vp), ==,
                   CS_BLOCK_TIME_TOO_NEW);
  g_assert_cmpint (cs__block_get_memo (c), ==, CS_BLOCK_VALID + 1);
  /* The memo is what is returned: poison it and see. */
  cs__block_set_memo (c, CS_BLOCK_BAD_MERKLE + 1);
  g_assert_cmpint (cs_block_validate (c, g, LATE, &vp), ==, CS_BLOCK_BAD_MERKLE);
  cs__block_set_memo (c, 0);
  g_assert_cmpint (cs_block_validate (c, g, LATE, &vp), ==, CS_BLOCK_VALID);
}

/* ---- retargeting ----------------------------------------------------------------------------- */

static void
test_retarget (void)
{
  /* Bitcoin Core's pow_tests.cpp: (bits, last block time, first block time) -> new bits. */
  static const struct
  {
    guint32 bits;
    gint64 last, first;
    guint32 want;
  } v[] = {
    { 0x1d00ffff, 1262152739, 1261130161, 0x1d00d86a },  /* no constraint */
    { 0x1d00ffff, 1233061996, 1231006505, 0x1d00ffff },  /* capped at the pow limit */
    { 0x1c05a3f4, 1279297671, 1279008237, 0x1c0168fd },  /* clamped at expected / 4 */
    { 0x1c387f6f, 1269211443, 1263163443, 0x1d00e1fd },  /* clamped at expected * 4 */
  };
  CsRetargetParams rp;
  CsTime expected;

  cs_retarget_params_init_bitcoin (&rp);
  expected = (CsTime) rp.interval * rp.spacing;
  g_assert_cmpint (expected, ==, 14 * CS_DAY);
  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    g_assert_cmphex (cs_retarget_bits (v[i].bits, (v[i].last - v[i].first) * CS_SEC, expected,
                                       &rp.pow_limit),
                     ==, v[i].want);

  /* On a chain: interval 4, blocks 150 s apart where 600 s is intended -> 4x harder at height 4
   * (timespan measured over 3 intervals: 450 s, clamped to 600 s = expected / 4). */
  {
    guint64 ctr = 0;
    CsBlock *b = mk_genesis (0x1f00ffff, &ctr);
    CsRetargetParams small = rp;
    CsValidateParams vp;
    CsU256 t4, t0;

    small.interval = 4;
    small.spacing = 600 * CS_SEC;
    cs_u256_set_max (&small.pow_limit);
    cs_validate_params_init (&vp);
    vp.expected_bits = cs_retarget_expected_bits;
    vp.expected_bits_data = &small;
    for (guint h = 1; h <= 8; h++)
      {
        guint32 bits = cs_retarget_next_bits (b, &small);
        CsBlock *n = mk_block (b, cs_block_timestamp (b) + 150 * CS_SEC, bits, 1, &ctr);
        if (h % 4 != 0)
          g_assert_cmphex (bits, ==, cs_block_bits (b));
        g_assert_cmpint (cs_block_validate (n, b, LATE, &vp), ==, CS_BLOCK_VALID);
        cs_block_unref (b);
        b = n;
      }
    cs_u256_from_compact (&t0, 0x1f00ffff, NULL, NULL);
    cs_u256_shr (&t0, &t0, 4);  /* two retargets at / 4 each */
    cs_u256_from_compact (&t4, cs_block_bits (b), NULL, NULL);
    g_assert_cmpint (cs_u256_cmp (&t4, &t0), ==, 0);
    {
      /* A block ignoring the rule is rejected. */
      g_autoptr (CsBlock) p = cs_block_ref (cs_block_parent (b));
      g_autoptr (CsBlock) bad = mk_block (cs_block_parent (p),
                                          cs_block_timestamp (p), 0x1f00ffff, 2, &ctr);
      g_assert_cmpint (cs_block_validate (bad, cs_block_parent (p), LATE, &vp), ==,
                       CS_BLOCK_BAD_TARGET);
    }
    cs_block_unref (b);
  }

  /* Clamps: zero time -> / 4; huge time -> x 4 (under an unlimited limit). */
  {
    CsU256 t = U ("1000000"), r;
    cs_retarget (&t, 0, 100, NULL, &r);
    assert_u256 (&r, "400000");
    cs_retarget (&t, 1000000, 100, NULL, &r);
    assert_u256 (&r, "4000000");
    cs_retarget (&t, 150, 100, NULL, &r);
    assert_u256 (&r, "1800000");
  }
}

/* ---- block tree ------------------------------------------------------------------------------ */

static CsAddResult
add (CsBlockTree *tree, CsBlock *b)
{
  return cs_block_tree_add (tree, b, LATE, NULL, NULL);
}

static void
test_fork_choice_most_work (void)
{
  /* Retarget every 2 blocks. Branch A keeps the pace (same difficulty, 3 blocks); branch B's
   * first block comes fast, so its second block is 4x harder: B has 2 blocks and more work. */
  guint64 ctr = 0;
  CsRetargetParams rp;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (0x1f00ffff, &ctr);
  CsBlock *a1, *a2, *a3, *b1, *b2;
  g_autoptr (CsBlockTree) tree = NULL;
  g_auto (CsReorg) r = CS_REORG_INIT;
  CsU256 wa, wb;

  cs_retarget_params_init_bitcoin (&rp);
  rp.interval = 2;
  cs_u256_set_max (&rp.pow_limit);
  cs_validate_params_init (&vp);
  vp.expected_bits = cs_retarget_expected_bits;
  vp.expected_bits_data = &rp;
  tree = cs_block_tree_new (g, &vp);

  a1 = mk_block (g, 1200 * CS_SEC, cs_retarget_next_bits (g, &rp), 1, &ctr);
  a2 = mk_block (a1, 1800 * CS_SEC, cs_retarget_next_bits (a1, &rp), 1, &ctr);
  a3 = mk_block (a2, 2400 * CS_SEC, cs_retarget_next_bits (a2, &rp), 1, &ctr);
  b1 = mk_block (g, 100 * CS_SEC, cs_retarget_next_bits (g, &rp), 2, &ctr);
  b2 = mk_block (b1, 700 * CS_SEC, cs_retarget_next_bits (b1, &rp), 2, &ctr);
  g_assert_cmphex (cs_block_bits (a2), ==, 0x1f00ffff);
  g_assert_cmphex (cs_block_bits (b2), !=, 0x1f00ffff);
  wa = *cs_block_chain_work (a3);
  wb = *cs_block_chain_work (b2);
  g_assert_cmpint (cs_u256_cmp (&wb, &wa), >, 0);

  g_assert_cmpint (add (tree, a1), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (add (tree, a2), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (add (tree, a3), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (add (tree, b1), ==, CS_ADD_ADDED);
  g_assert_true (cs_block_tree_tip (tree) == a3);
  g_assert_cmpint (cs_block_tree_add (tree, b2, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_true (cs_block_tree_tip (tree) == b2);
  g_assert_cmpuint (r.depth, ==, 3);
  g_assert_cmpuint (r.connected, ==, 2);
  g_assert_true (r.ancestor == g);
  g_assert_true (r.old_tip == a3);
  g_assert_true (cs_block_tree_is_main (tree, b1));
  g_assert_false (cs_block_tree_is_main (tree, a1));
  g_assert_true (cs_block_tree_has (tree, a3));

  cs_block_unref (a1);
  cs_block_unref (a2);
  cs_block_unref (a3);
  cs_block_unref (b1);
  cs_block_unref (b2);
}

static void
test_fork_choice_tie_first_seen (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  g_autoptr (CsBlock) x = mk_child (g, 1, 0, &ctr);
  g_autoptr (CsBlock) y = mk_child (g, 2, 7, &ctr);
  g_autoptr (CsBlock) y2 = mk_child (y, 2, 0, &ctr);
  g_autoptr (CsBlockTree) t1 = NULL;
  g_autoptr (CsBlockTree) t2 = NULL;
  g_auto (CsReorg) r = CS_REORG_INIT;

  cs_validate_params_init (&vp);
  t1 = cs_block_tree_new (g, &vp);
  t2 = cs_block_tree_new (g, &vp);
  g_assert_cmpint (cs_u256_cmp (cs_block_chain_work (x), cs_block_chain_work (y)), ==, 0);

  g_assert_cmpint (add (t1, x), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (cs_block_tree_add (t1, y, LATE, &r, NULL), ==, CS_ADD_ADDED);
  g_assert_null (r.old_tip);
  g_assert_true (cs_block_tree_tip (t1) == x);
  g_assert_cmpint (add (t2, y), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (add (t2, x), ==, CS_ADD_ADDED);
  g_assert_true (cs_block_tree_tip (t2) == y);

  /* More work breaks the tie: t1 reorganises by one block. */
  g_assert_cmpint (cs_block_tree_add (t1, y2, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_cmpuint (r.depth, ==, 1);
  g_assert_cmpuint (r.connected, ==, 2);
  g_assert_true (r.ancestor == g);
  g_assert_cmpint (add (t2, y2), ==, CS_ADD_NEW_TIP);
  g_assert_true (cs_block_tree_tip (t1) == cs_block_tree_tip (t2));
}

static void
test_orphan_connects_later (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  CsBlock *c[5];
  g_autoptr (CsBlockTree) tree = NULL;
  g_auto (CsReorg) r = CS_REORG_INIT;

  cs_validate_params_init (&vp);
  tree = cs_block_tree_new (g, &vp);
  c[0] = cs_block_ref (g);
  for (int i = 1; i < 5; i++)
    c[i] = mk_child (c[i - 1], 1, 0, &ctr);

  /* Delivered backwards: 4, 3, 2 wait; each time the block to request moves down. */
  g_assert_cmpint (add (tree, c[4]), ==, CS_ADD_ORPHAN);
  g_assert_true (cs_block_tree_missing_parent (tree, c[4]) == c[3]);
  g_assert_cmpint (add (tree, c[4]), ==, CS_ADD_DUPLICATE);
  g_assert_cmpint (add (tree, c[3]), ==, CS_ADD_ORPHAN);
  g_assert_true (cs_block_tree_missing_parent (tree, c[4]) == c[2]);
  g_assert_cmpint (add (tree, c[2]), ==, CS_ADD_ORPHAN);
  g_assert_true (cs_block_tree_missing_parent (tree, c[4]) == c[1]);
  g_assert_true (cs_block_tree_missing_parent (tree, c[2]) == c[1]);
  g_assert_cmpuint (cs_block_tree_n_orphans (tree), ==, 3);
  g_assert_false (cs_block_tree_has (tree, c[4]));
  g_assert_true (cs_block_tree_is_orphan (tree, c[3]));
  g_assert_true (cs_block_tree_tip (tree) == g);

  /* The parent arrives: everything connects, recursively. */
  g_assert_cmpint (cs_block_tree_add (tree, c[1], LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_true (cs_block_tree_tip (tree) == c[4]);
  g_assert_cmpuint (cs_block_tree_n_orphans (tree), ==, 0);
  g_assert_cmpuint (cs_block_tree_n_blocks (tree), ==, 5);
  g_assert_cmpuint (r.depth, ==, 0);
  g_assert_cmpuint (r.connected, ==, 4);
  g_assert_null (cs_block_tree_missing_parent (tree, c[4]));
  for (int i = 0; i < 5; i++)
    {
      g_assert_true (cs_block_tree_is_main (tree, c[i]));
      g_assert_true (cs_block_tree_main_at (tree, i) == c[i]);
    }
  g_assert_null (cs_block_tree_main_at (tree, 5));

  /* Sibling orphans with equal work: the first to arrive connects first and wins the tie. */
  {
    g_autoptr (CsBlock) p = mk_child (c[4], 1, 0, &ctr);
    g_autoptr (CsBlock) s1 = mk_child (p, 2, 1, &ctr);
    g_autoptr (CsBlock) s2 = mk_child (p, 3, 2, &ctr);
    g_autoptr (CsBlockTree) other = cs_block_tree_new (g, &vp);

    for (int i = 1; i < 5; i++)
      g_assert_cmpint (add (other, c[i]), ==, CS_ADD_NEW_TIP);
    g_assert_cmpint (add (tree, s2), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (tree, s1), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (tree, p), ==, CS_ADD_NEW_TIP);
    g_assert_true (cs_block_tree_tip (tree) == s2);
    g_assert_cmpint (add (other, s1), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (other, s2), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (other, p), ==, CS_ADD_NEW_TIP);
    g_assert_true (cs_block_tree_tip (other) == s1);
  }
  for (int i = 0; i < 5; i++)
    cs_block_unref (c[i]);
}

static void
test_orphan_invalid_and_limits (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  g_autoptr (CsBlock) bad = NULL;
  g_autoptr (CsBlock) kid = NULL;
  g_autoptr (CsBlock) grandkid = NULL;
  g_autoptr (CsBlockTree) tree = NULL;
  CsBlockStatus s;
  CsBlockTemplate t;
  CsTx txs[2];

  cs_validate_params_init (&vp);
  tree = cs_block_tree_new (g, &vp);
  /* A block that breaks a contextual rule (too large), and descendants that are fine. */
  tmpl_for (&t, txs, g, 600 * CS_SEC);
  t.size = 2000000;
  bad = cs_block_new (g, &t, &ctr);
  kid = mk_child (bad, 1, 0, &ctr);
  grandkid = mk_child (kid, 1, 0, &ctr);

  g_assert_cmpint (add (tree, grandkid), ==, CS_ADD_ORPHAN);
  g_assert_cmpint (add (tree, kid), ==, CS_ADD_ORPHAN);
  g_assert_cmpint (cs_block_tree_add (tree, bad, LATE, NULL, &s), ==, CS_ADD_INVALID);
  g_assert_cmpint (s, ==, CS_BLOCK_TOO_LARGE);
  /* The buffered descendants went with it, and are remembered as invalid. */
  g_assert_cmpuint (cs_block_tree_n_orphans (tree), ==, 0);
  g_assert_true (cs_block_tree_is_invalid (tree, kid));
  g_assert_true (cs_block_tree_is_invalid (tree, grandkid));
  g_assert_cmpint (cs_block_tree_add (tree, kid, LATE, NULL, &s), ==, CS_ADD_INVALID);
  g_assert_cmpint (s, ==, CS_BLOCK_BAD_PARENT);
  g_assert_cmpint (cs_block_tree_add (tree, bad, LATE, NULL, &s), ==, CS_ADD_INVALID);
  g_assert_cmpint (s, ==, CS_BLOCK_TOO_LARGE);
  g_assert_true (cs_block_tree_tip (tree) == g);
  g_assert_cmpuint (cs_block_tree_n_blocks (tree), ==, 1);

  /* A fresh tree meeting the child of an invalid block after the block itself. */
  {
    g_autoptr (CsBlockTree) t2 = cs_block_tree_new (g, &vp);
    g_assert_cmpint (add (t2, bad), ==, CS_ADD_INVALID);
    g_assert_cmpint (cs_block_tree_add (t2, kid, LATE, NULL, &s), ==, CS_ADD_INVALID);
    g_assert_cmpint (s, ==, CS_BLOCK_BAD_PARENT);
  }

  /* An orphan failing an intrinsic check is refused at once, not buffered. */
  {
    g_autoptr (CsBlock) a = mk_child (g, 1, 0, &ctr);
    g_autoptr (CsBlock) b = NULL;
    g_autoptr (CsBlockTree) t3 = cs_block_tree_new (g, &vp);
    tmpl_for (&t, txs, a, 1200 * CS_SEC);
    t.n_tx = 0;
    b = cs_block_new (a, &t, &ctr);
    g_assert_cmpint (cs_block_tree_add (t3, b, LATE, NULL, &s), ==, CS_ADD_INVALID);
    g_assert_cmpint (s, ==, CS_BLOCK_BAD_BODY);
    g_assert_cmpuint (cs_block_tree_n_orphans (t3), ==, 0);
  }

  /* Too far in the future: refused now, not remembered, accepted later. */
  {
    g_autoptr (CsBlock) f = mk_block (g, 3 * CS_HOUR, EASY_BITS, 1, &ctr);
    g_autoptr (CsBlockTree) t4 = cs_block_tree_new (g, &vp);
    g_assert_cmpint (cs_block_tree_add (t4, f, CS_HOUR - 1, NULL, &s), ==, CS_ADD_INVALID);
    g_assert_cmpint (s, ==, CS_BLOCK_TIME_TOO_NEW);
    g_assert_false (cs_block_tree_is_invalid (t4, f));
    g_assert_cmpint (cs_block_tree_add (t4, f, CS_HOUR, NULL, &s), ==, CS_ADD_NEW_TIP);
    g_assert_cmpint (s, ==, CS_BLOCK_VALID);
    g_assert_cmpint (add (t4, f), ==, CS_ADD_DUPLICATE);
    g_assert_cmpint (add (t4, g), ==, CS_ADD_DUPLICATE);
  }

  /* The buffer keeps the newest max_orphans. */
  {
    g_autoptr (CsBlockTree) t5 = cs_block_tree_new (g, &vp);
    CsBlock *chain[5];
    chain[0] = cs_block_ref (g);
    for (int i = 1; i < 5; i++)
      chain[i] = mk_child (chain[i - 1], 1, 0, &ctr);
    cs_block_tree_set_max_orphans (t5, 2);
    g_assert_cmpint (add (t5, chain[2]), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (t5, chain[3]), ==, CS_ADD_ORPHAN);
    g_assert_cmpint (add (t5, chain[4]), ==, CS_ADD_ORPHAN);
    g_assert_cmpuint (cs_block_tree_n_orphans (t5), ==, 2);
    g_assert_false (cs_block_tree_is_orphan (t5, chain[2]));
    /* chain[2] was dropped: its children wait for it. */
    g_assert_true (cs_block_tree_missing_parent (t5, chain[4]) == chain[2]);
    g_assert_cmpint (add (t5, chain[1]), ==, CS_ADD_NEW_TIP);
    g_assert_true (cs_block_tree_tip (t5) == chain[1]);
    g_assert_cmpint (add (t5, chain[2]), ==, CS_ADD_NEW_TIP);
    g_assert_true (cs_block_tree_tip (t5) == chain[4]);
    for (int i = 0; i < 5; i++)
      cs_block_unref (chain[i]);
  }
}

static void
test_reorg_depth (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (CsBlock) g = mk_genesis (EASY_BITS, &ctr);
  g_autoptr (CsBlock) a1 = mk_child (g, 1, 0, &ctr);
  g_autoptr (CsBlock) a2 = mk_child (a1, 1, 0, &ctr);
  g_autoptr (CsBlock) a3 = mk_child (a2, 1, 0, &ctr);
  g_autoptr (CsBlock) b2 = mk_child (a1, 2, 1, &ctr);
  g_autoptr (CsBlock) b3 = mk_child (b2, 2, 1, &ctr);
  g_autoptr (CsBlock) b4 = mk_child (b3, 2, 1, &ctr);
  g_autoptr (CsBlockTree) tree = NULL;
  CsReorg r = CS_REORG_INIT;

  cs_validate_params_init (&vp);
  tree = cs_block_tree_new (g, &vp);
  g_assert_cmpint (cs_block_tree_add (tree, a1, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_cmpuint (r.depth, ==, 0);
  g_assert_cmpuint (r.connected, ==, 1);
  g_assert_true (r.ancestor == g);
  g_assert_cmpint (cs_block_tree_add (tree, a2, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (cs_block_tree_add (tree, a3, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_cmpint (cs_block_tree_add (tree, b2, LATE, &r, NULL), ==, CS_ADD_ADDED);
  g_assert_null (r.old_tip);
  g_assert_cmpint (cs_block_tree_add (tree, b3, LATE, &r, NULL), ==, CS_ADD_ADDED);
  g_assert_true (cs_block_tree_is_main (tree, a3));
  g_assert_false (cs_block_tree_is_main (tree, b3));
  g_assert_true (cs_block_tree_main_at (tree, 2) == a2);

  g_assert_cmpint (cs_block_tree_add (tree, b4, LATE, &r, NULL), ==, CS_ADD_NEW_TIP);
  g_assert_cmpuint (r.depth, ==, 2);      /* a2, a3 disconnected */
  g_assert_cmpuint (r.connected, ==, 3);  /* b2, b3, b4 connected */
  g_assert_true (r.ancestor == a1);
  g_assert_true (r.old_tip == a3);
  g_assert_true (r.new_tip == b4);
  g_assert_false (cs_block_tree_is_main (tree, a3));
  g_assert_false (cs_block_tree_is_main (tree, a2));
  g_assert_true (cs_block_tree_is_main (tree, a1));
  g_assert_true (cs_block_tree_is_main (tree, b3));
  g_assert_true (cs_block_tree_main_at (tree, 2) == b2);
  cs_reorg_clear (&r);
  g_assert_null (r.old_tip);
  g_assert_null (r.ancestor);
}

/* Blocks are delivered to several trees in different random orders: all agree on the most-work
 * tip set, and keep no orphan. Difficulty varies by parent (a rule of the test) so branches carry
 * different work. */
static guint32
varied_bits (const CsBlock *parent, gpointer user_data)
{
  static const guint32 choice[] = { 0x1f00ffff, 0x1e7fffff, 0x1e3fffff };
  return choice[cs_block_serial (parent) % 3];
}

static void
test_tree_random_orders (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  g_autoptr (gsl_rng) rng = gsl_rng_alloc (gsl_rng_taus2);
  g_autoptr (GPtrArray) blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) cs_block_unref);
  CsU256 best;
  const int N = 300;

  gsl_rng_set (rng, 2024);
  cs_validate_params_init (&vp);
  vp.expected_bits = varied_bits;
  g_ptr_array_add (blocks, mk_genesis (0x1f00ffff, &ctr));
  for (int i = 1; i <= N; i++)
    {
      /* Parents among the last 20 blocks: a bushy tree with many forks. */
      guint lo = blocks->len > 20 ? blocks->len - 20 : 0;
      CsBlock *p = g_ptr_array_index (blocks, lo + gsl_rng_uniform_int (rng, blocks->len - lo));
      g_ptr_array_add (blocks, mk_block (p, cs_block_timestamp (p) + 600 * CS_SEC
                                                 + (CsTime) gsl_rng_uniform_int (rng, 1000),
                                         varied_bits (p, NULL), (guint32) i, &ctr));
    }
  best = *cs_block_chain_work (g_ptr_array_index (blocks, 0));
  for (guint i = 0; i < blocks->len; i++)
    if (cs_u256_cmp (cs_block_chain_work (g_ptr_array_index (blocks, i)), &best) > 0)
      best = *cs_block_chain_work (g_ptr_array_index (blocks, i));

  for (int round = 0; round < 8; round++)
    {
      g_autoptr (CsBlockTree) tree = cs_block_tree_new (g_ptr_array_index (blocks, 0), &vp);
      guint *order = g_new (guint, N);
      CsBlock *tip;
      for (int i = 0; i < N; i++)
        order[i] = (guint) i + 1;
      /* Fisher-Yates with the test's own stream (round 0 keeps creation order). */
      for (int i = N - 1; round > 0 && i > 0; i--)
        {
          guint j = (guint) gsl_rng_uniform_int (rng, (unsigned long) i + 1), tmp = order[i];
          order[i] = order[j];
          order[j] = tmp;
        }
      for (int i = 0; i < N; i++)
        {
          CsAddResult res = add (tree, g_ptr_array_index (blocks, order[i]));
          g_assert_cmpint (res, !=, CS_ADD_INVALID);
          g_assert_cmpint (res, !=, CS_ADD_DUPLICATE);
        }
      tip = cs_block_tree_tip (tree);
      g_assert_cmpint (cs_u256_cmp (cs_block_chain_work (tip), &best), ==, 0);
      g_assert_cmpuint (cs_block_tree_n_orphans (tree), ==, 0);
      g_assert_cmpuint (cs_block_tree_n_blocks (tree), ==, (guint64) N + 1);
      for (guint i = 0; i < blocks->len; i++)
        {
          CsBlock *b = g_ptr_array_index (blocks, i);
          g_assert_true (cs_block_tree_has (tree, b));
          g_assert_cmpint (cs_block_tree_is_main (tree, b), ==,
                           cs_block_get_ancestor (tip, cs_block_height (b)) == b);
        }
      for (CsBlock *b = tip; b; b = cs_block_parent (b))
        g_assert_true (cs_block_tree_main_at (tree, cs_block_height (b)) == b);
      g_free (order);
    }
}

/* Bytes per node: about 1 bit per block of the run, plus a fixed struct. */
static void
test_tree_memory (void)
{
  guint64 ctr = 0;
  CsValidateParams vp;
  CsBlock *tip;
  g_autoptr (CsBlock) g = NULL;
  CsBlockTree *trees[100];
  gsize total = 0;
  const guint nodes = G_N_ELEMENTS (trees), nblocks = 1000;

  cs_validate_params_init (&vp);
  g = mk_genesis (EASY_BITS, &ctr);
  for (guint n = 0; n < nodes; n++)
    trees[n] = cs_block_tree_new (g, &vp);
  tip = cs_block_ref (g);
  for (guint i = 0; i < nblocks; i++)
    {
      CsBlock *b = mk_child (tip, 1, 0, &ctr);
      for (guint n = 0; n < nodes; n++)
        g_assert_cmpint (add (trees[n], b), ==, CS_ADD_NEW_TIP);
      cs_block_unref (tip);
      tip = b;
    }
  for (guint n = 0; n < nodes; n++)
    total += cs_block_tree_memory (trees[n]);
  g_test_message ("block tree: %.1f bytes per node for %u blocks (%.3f bytes per node-block); "
                  "one shared block: %zu bytes",
                  (double) total / nodes, nblocks + 1, (double) total / nodes / (nblocks + 1),
                  cs_block_memory_size (tip));
  /* Fixed part + nblocks/8 rounded up to 64 bytes. */
  g_assert_cmpuint (total / nodes, <=, 128 + (nblocks + 1 + 511) / 512 * 64);
  for (guint n = 0; n < nodes; n++)
    cs_block_tree_free (trees[n]);
  cs_block_unref (tip);
}

/* ---- real proof of work ---------------------------------------------------------------------- */

static void
test_real_pow (void)
{
  guint64 ctr = 0, tries = 0, before;
  CsValidateParams vp;
  /* Target 2^246: a hash meets it with probability ~2^-10, about 1024 tries. */
  const guint32 bits = 0x1f400000;
  g_autoptr (CsBlock) g = mk_genesis (bits, &ctr);
  g_autoptr (CsBlock) m = NULL;
  CsBlockTemplate t;
  CsTx txs[2];
  CsU256 target;
  char hex[CS_HASH_HEX_LEN];

  cs_u256_from_compact (&target, bits, NULL, NULL);
  assert_u256 (&target, "40000000000000000000000000000000000000000000000000000000000000");
  cs_validate_params_init (&vp);
  tmpl_for (&t, txs, g, 600 * CS_SEC);
  t.simulated_pow = TRUE;  /* ignored: mining is real */
  t.nonce = 0;
  before = ctr;
  m = cs_block_mine_real (g, &t, 1 << 20, &ctr, &tries);
  g_assert_nonnull (m);
  g_assert_cmpuint (ctr, ==, before + 1);
  g_test_message ("real PoW at 2^246: %" G_GUINT64_FORMAT " tries, hash %s", tries,
                  cs_hash_to_hex (cs_block_hash (m), hex));
  g_assert_cmpuint (tries, >=, 1);
  g_assert_cmpuint (cs_block_header (m)->nonce, ==, tries - 1);
  g_assert_false (cs_block_simulated_pow (m));
  g_assert_true (cs_hash_meets_target (cs_block_hash (m), &target));
  /* hash <= 2^246: the displayed hash starts "00" then a digit <= 4. */
  g_assert_true (hex[0] == '0' && hex[1] == '0' && hex[2] <= '4');
  g_assert_cmpint (cs_block_validate (m, g, LATE, &vp), ==, CS_BLOCK_VALID);

  /* The same header with another nonce fails (find the first nonce that does not meet the
   * target: almost always the next one). */
  {
    CsBlockHeader h = *cs_block_header (m);
    CsHash hh;
    g_autoptr (CsBlock) f = NULL;
    t.simulated_pow = FALSE;
    do
      {
        h.nonce++;
        cs_block_header_hash (&h, &hh);
      }
    while (cs_hash_meets_target (&hh, &target));
    /* Forged keeps the header verbatim, but leaf 0 commits to the serial: reuse the mined
     * block's serial so the Merkle root matches. */
    {
      guint64 same = cs_block_serial (m);
      f = cs_block_new_forged (g, &h, &t, &same);
    }
    g_assert_cmpint (cs_block_validate (f, g, LATE, &vp), ==, CS_BLOCK_BAD_POW);
  }

  /* An impossible target within the budget: NULL, serial untouched. */
  {
    CsBlockTemplate hard = t;
    g_autoptr (CsBlock) none = NULL;
    hard.bits = 0x03000001;  /* target 1 */
    before = ctr;
    none = cs_block_mine_real (g, &hard, 500, &ctr, &tries);
    g_assert_null (none);
    g_assert_cmpuint (tries, ==, 500);
    g_assert_cmpuint (ctr, ==, before);
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gsl_set_error_handler_off ();

  g_test_add_func ("/chain/hash/sha256d-vector", test_hash_sha256d_vector);
  g_test_add_func ("/chain/hash/bitcoin-headers", test_hash_bitcoin_headers);
  g_test_add_func ("/chain/hash/hex-compare", test_hash_hex_compare);
  g_test_add_func ("/chain/hash/target", test_hash_target);
  g_test_add_func ("/chain/u256/arith", test_u256_arith);
  g_test_add_func ("/chain/u256/compact", test_u256_compact);
  g_test_add_func ("/chain/u256/work", test_u256_work);
  g_test_add_func ("/chain/tx/id", test_tx_id);
  g_test_add_func ("/chain/tx/random", test_tx_random);
  g_test_add_func ("/chain/merkle/bitcoin-vectors", test_merkle_bitcoin_vectors);
  g_test_add_func ("/chain/merkle/structure", test_merkle_structure);
  g_test_add_func ("/chain/block/refcount", test_block_refcount);
  g_test_add_func ("/chain/block/fields", test_block_fields);
  g_test_add_func ("/chain/block/ancestor", test_block_ancestor);
  g_test_add_func ("/chain/block/median-time-past", test_block_median_time);
  g_test_add_func ("/chain/validate/each-failure-reason", test_validate_each_failure_reason);
  g_test_add_func ("/chain/validate/memo", test_validate_memo);
  g_test_add_func ("/chain/retarget", test_retarget);
  g_test_add_func ("/chain/fork-choice/most-work", test_fork_choice_most_work);
  g_test_add_func ("/chain/fork-choice/tie-first-seen", test_fork_choice_tie_first_seen);
  g_test_add_func ("/chain/orphan/connects-later", test_orphan_connects_later);
  g_test_add_func ("/chain/orphan/invalid-and-limits", test_orphan_invalid_and_limits);
  g_test_add_func ("/chain/reorg/depth", test_reorg_depth);
  g_test_add_func ("/chain/tree/random-orders", test_tree_random_orders);
  g_test_add_func ("/chain/tree/memory", test_tree_memory);
  g_test_add_func ("/chain/real-pow", test_real_pow);
  return g_test_run ();
}
