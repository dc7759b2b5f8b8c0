;; nabla's WebAssembly SIMD kernels (f64x2). Assembled by scripts/build-wasm.mjs (wabt) into
;; src/kernels/wasmBinary.ts. Every function here has a JavaScript twin that performs the same
;; IEEE-754 operations in the same order (src/kernels/gemm.ts, elementary.ts, arrays.ts), so the
;; two give identical bits. No fused multiply-add (plain SIMD128 has none; relaxed SIMD is not used).
;;
;; Memory: 41 pages (2.5625 MiB), fixed (minimum = maximum, never grown). The caller (JavaScript) owns the
;; layout (src/kernels/backend.ts): fixed-size windows for streamed array kernels and for the GEMM's
;; packed panels and C block, so no call can grow or retain memory.
;;
;; Branches of the scalar algorithms become per-lane selects: every candidate formula is evaluated
;; on both lanes and v128.bitselect keeps, per lane, the one the scalar code would have returned.
(module
  (memory (export "memory") 41 41)

  ;; ---------------------------------------------------------------------------------------------
  ;; GEMM block: C[mc x nc] += Ap * Bp over kc, from panels packed by JavaScript.
  ;; Ap: mc/4 panels, each kc x 4 (k-major: a[k][0..3]); Bp: nc/4 panels, each kc x 4 (b[k][0..3]).
  ;; C: row-major with row stride ldc (doubles); mc is a multiple of 4 and nc of 4 (zero-padded
  ;; panels; the padding rows and columns of the C window are scratch).
  ;; Each 4x4 tile of C gets its partial sums started at 0 and accumulated over k in order (lane j
  ;; of accumulator cRa/cRb holds column j/j+2 of row R), then added to C: per element, the order of
  ;; the JavaScript 4x4 micro-kernel (the tile shape changes which elements share registers, not
  ;; the sequence of operations on any one element).
  (func (export "gemm") (param $ap i32) (param $bp i32) (param $cb i32) (param $mc i32) (param $nc i32)
        (param $kc i32) (param $ldc i32)
    (local $jr i32) (local $ir i32) (local $a i32) (local $b i32) (local $bpan i32)
    (local $c i32) (local $ldb i32) (local $panel i32) (local $pa i32) (local $kend i32)
    (local $b01 v128) (local $b23 v128) (local $x v128)
    (local $c0a v128) (local $c0b v128) (local $c1a v128) (local $c1b v128) (local $c2a v128) (local $c2b v128) (local $c3a v128) (local $c3b v128)
    (local.set $panel (i32.shl (local.get $kc) (i32.const 5))) ;; kc*4*8 bytes per B panel
    (local.set $ldb (i32.shl (local.get $ldc) (i32.const 3)))
    (local.set $jr (i32.const 0))
    (local.set $bpan (local.get $bp))
    (block $jdone
      (loop $jloop
        (br_if $jdone (i32.ge_u (local.get $jr) (local.get $nc)))
        (local.set $ir (i32.const 0))
        (local.set $a (local.get $ap))
        (block $idone
          (loop $iloop
            (br_if $idone (i32.ge_u (local.get $ir) (local.get $mc)))
            (local.set $b (local.get $bpan))
            (local.set $c0a (v128.const i64x2 0 0)) (local.set $c0b (v128.const i64x2 0 0))
            (local.set $c1a (v128.const i64x2 0 0)) (local.set $c1b (v128.const i64x2 0 0))
            (local.set $c2a (v128.const i64x2 0 0)) (local.set $c2b (v128.const i64x2 0 0))
            (local.set $c3a (v128.const i64x2 0 0)) (local.set $c3b (v128.const i64x2 0 0))
            (local.set $pa (local.get $a))
            (local.set $kend (i32.add (local.get $b) (local.get $panel)))
            (loop $kloop
              (local.set $b01 (v128.load (local.get $b)))
              (local.set $b23 (v128.load offset=16 (local.get $b)))
              (local.set $x (v128.load64_splat offset=0 (local.get $pa)))
              (local.set $c0a (f64x2.add (local.get $c0a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c0b (f64x2.add (local.get $c0b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=8 (local.get $pa)))
              (local.set $c1a (f64x2.add (local.get $c1a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c1b (f64x2.add (local.get $c1b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=16 (local.get $pa)))
              (local.set $c2a (f64x2.add (local.get $c2a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c2b (f64x2.add (local.get $c2b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $x (v128.load64_splat offset=24 (local.get $pa)))
              (local.set $c3a (f64x2.add (local.get $c3a) (f64x2.mul (local.get $x) (local.get $b01))))
              (local.set $c3b (f64x2.add (local.get $c3b) (f64x2.mul (local.get $x) (local.get $b23))))
              (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
              (local.set $b (i32.add (local.get $b) (i32.const 32)))
              (br_if $kloop (i32.lt_u (local.get $b) (local.get $kend))))
            (local.set $a (i32.add (local.get $a) (local.get $panel)))
            (local.set $c (i32.add (local.get $cb)
              (i32.shl (i32.add (i32.mul (local.get $ir) (local.get $ldc)) (local.get $jr)) (i32.const 3))))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c0a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c0b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c1a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c1b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c2a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c2b)))
            (local.set $c (i32.add (local.get $c) (local.get $ldb)))
            (v128.store (local.get $c) (f64x2.add (v128.load (local.get $c)) (local.get $c3a)))
            (v128.store offset=16 (local.get $c) (f64x2.add (v128.load offset=16 (local.get $c)) (local.get $c3b)))
            (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
            (br $iloop)))
        (local.set $jr (i32.add (local.get $jr) (i32.const 4)))
        (local.set $bpan (i32.add (local.get $bpan) (local.get $panel)))
        (br $jloop))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Helpers on two lanes, expanded inline by the assembler (;;@inline, see scripts/wasm-assemble.mjs).

  ;; 2^k for integers k in [-1022, 1023] held in i64 lanes.
  ;;@inline
  (func $pow2 (param $k v128) (result v128)
    (i64x2.shl (i64x2.add (local.get $k) (v128.const i64x2 1023 1023)) (i32.const 52)))

  ;; 2^k for integers k in [-1022, 1023] held in i32 lanes 0 and 1, as f64x2.
  ;;@inline
  (func $pow2i32 (param $k v128) (result v128)
    (i64x2.shl (i64x2.extend_low_i32x4_s (i32x4.add (local.get $k) (v128.const i64x2 0x000003ff000003ff 0x000003ff000003ff)))
      (i32.const 52)))

  ;; i64 lanes (small integers) -> f64 lanes.
  ;;@inline
  (func $i64tof64 (param $k v128) (result v128)
    (f64x2.convert_low_i32x4_s
      (i8x16.shuffle 0 1 2 3 8 9 10 11 0 1 2 3 8 9 10 11 (local.get $k) (local.get $k))))

  ;; y*2^k rounded once: (y*2^floor(k/2))*2^(k-floor(k/2)), as scale() in elementary.ts.
  ;;@inline
  (func $scale (param $y v128) (param $k v128) (result v128)
    (f64x2.mul
      (f64x2.mul (local.get $y) (call $pow2 (i64x2.shr_s (local.get $k) (i32.const 1))))
      (call $pow2 (i64x2.sub (local.get $k) (i64x2.shr_s (local.get $k) (i32.const 1))))))

  ;; ---------------------------------------------------------------------------------------------
  ;; exp: the table-driven scheme (see exp in elementary.ts). Table entry j (16 bytes) holds
  ;; tail_j and H_j at @EXP_TABLE_PTR + 16j; the two lanes' entries are loaded separately.
  ;; kds = x*128/ln2 + 1.5*2^52 holds k = round(x*128/ln2) in its low bits (|k| < 2^51): its bits
  ;; are 0x4338000000000000 + k, so j = k mod 128 is their low 7 bits and (bits >>> 7) << 52 is
  ;; (k >> 7) << 52 (the higher bits shift out; no float-to-int conversion, and no 64-bit arithmetic
  ;; shift, which x64 SIMD lacks). kd, k as a double, is nearest(x*128/ln2): the value of the
  ;; JavaScript twin's kds - 1.5*2^52, one rounding shorter on the way to r.
  ;;@inline
  (func $exp (param $x v128) (result v128)
    (call $expMasked (local.get $x) (f64x2.gt (f64x2.abs (local.get $x)) (v128.const f64x2 650 650))))

  ;; exp of lanes known to be <= 0 or NaN (sigmoid's, softplus's and the backwards' e^(-|z|)):
  ;; one comparison finds the lanes beyond -650.
  ;;@inline
  (func $expNonPos (param $x v128) (result v128)
    (call $expMasked (local.get $x) (f64x2.lt (local.get $x) (v128.const f64x2 -650 -650))))

  ;; exp, given a mask that holds every lane with |x| > 650 (NaN lanes may be in it or not: both
  ;; paths give NaN).
  ;;@inline
  (func $expMasked (param $x v128) (param $slow v128) (result v128)
    (local $kds v128) (local $kd v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128)
    (local $r2 v128) (local $tmp v128) (local $H v128) (local $y v128) (local $e v128) (local $eh v128)
    (local.set $kd (f64x2.mul (local.get $x) (v128.const f64x2 @INVLN2N @INVLN2N)))
    (local.set $kds (f64x2.add (local.get $kd) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $kd (f64x2.nearest (local.get $kd)))
    (local.set $r (f64x2.add
      (f64x2.add (local.get $x) (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2HIN @NEGLN2HIN)))
      (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2LON @NEGLN2LON))))
    (local.set $j (i64x2.shl (v128.and (local.get $kds) (v128.const i64x2 127 127)) (i32.const 4)))
    (local.set $e0 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 0 (local.get $j))))
    (local.set $e1 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 2 (local.get $j))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $tmp (f64x2.add
      (f64x2.add
        (f64x2.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1))
          (local.get $r))
        (f64x2.mul (local.get $r2)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))))
      (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
        (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)
          (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))))))
    (local.set $H (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1)))
    ;; Where no lane is slow (|x| <= 650 or NaN on both): S = H*2^e (e = k>>7) by adding e to H's exponent field, and
    ;; S + S*tmp gives the bits of (H + H*tmp)*2^e (scaling by 2^e is exact both ways; S >= 2^-939,
    ;; so S*tmp is subnormal only when it is far below half an ulp of S, where its rounding cannot
    ;; matter). Otherwise y*2^eh*2^(e-eh), y = H + H*tmp, eh = e>>1 (exact, then one rounding: the
    ;; JavaScript twin's single product where that is exact), and the thresholds.
    (if (result v128)
      (i32.eqz (v128.any_true (local.get $slow)))
      (then
        (local.set $H (i64x2.add (local.get $H) (i64x2.shl (i64x2.shr_u (local.get $kds) (i32.const 7)) (i32.const 52))))
        (f64x2.add (local.get $H) (f64x2.mul (local.get $H) (local.get $tmp))))
      (else
        (local.set $e (i64x2.shr_s (i64x2.sub (local.get $kds) (v128.const i64x2 0x4338000000000000 0x4338000000000000)) (i32.const 7)))
        (local.set $y (f64x2.add (local.get $H) (f64x2.mul (local.get $H) (local.get $tmp))))
        (local.set $eh (i64x2.shr_s (local.get $e) (i32.const 1)))
        (local.set $y (f64x2.mul
          (f64x2.mul (local.get $y) (call $pow2 (local.get $eh)))
          (call $pow2 (i64x2.sub (local.get $e) (local.get $eh)))))
        (local.set $y (v128.bitselect (v128.const f64x2 inf inf) (local.get $y)
          (f64x2.gt (local.get $x) (v128.const f64x2 7.09782712893383973096e2 7.09782712893383973096e2))))
        (v128.bitselect (v128.const i64x2 0 0) (local.get $y)
          (f64x2.lt (local.get $x) (v128.const f64x2 -7.45133219101941108420e2 -7.45133219101941108420e2))))))

  ;; ---------------------------------------------------------------------------------------------
  ;; The table path of log and log1p (see logMain in elementary.ts): for lanes holding a positive
  ;; normal u = 2^k*z (bits $ix, z in [0.6875, 1.375)), log(u + c) + kadd*ln2, c a correction far
  ;; below ulp(u). Table entry i (32 bytes at @LOG_TABLE_PTR + 32i, written by the loader): 1/c_i,
  ;; c_i, RN(log c_i), 0. Other lanes give garbage (indices stay in the table) for the callers'
  ;; selects to replace.
  (func $logMain (param $ix v128) (param $kadd v128) (param $c v128) (result v128)
    (local $tmp v128) (local $k v128) (local $idx v128) (local $z v128) (local $a0 v128) (local $a1 v128)
    (local $b0 v128) (local $b1 v128) (local $r v128) (local $kd v128) (local $t v128) (local $w v128)
    (local $hi v128) (local $lo v128) (local $r2 v128) (local $logc v128)
    (local.set $tmp (i64x2.sub (local.get $ix) (v128.const i64x2 0x3fe6000000000000 0x3fe6000000000000)))
    (local.set $k (i64x2.shr_s (local.get $tmp) (i32.const 52)))
    (local.set $idx (i64x2.shl (v128.and (i64x2.shr_u (local.get $tmp) (i32.const 45)) (v128.const i64x2 127 127)) (i32.const 5)))
    (local.set $z (i64x2.sub (local.get $ix) (i64x2.shl (local.get $k) (i32.const 52))))
    (local.set $a0 (v128.load offset=@LOG_TABLE_PTR (i32x4.extract_lane 0 (local.get $idx))))
    (local.set $a1 (v128.load offset=@LOG_TABLE_PTR (i32x4.extract_lane 2 (local.get $idx))))
    (local.set $b0 (v128.load offset=@LOG_TABLE_PTR16 (i32x4.extract_lane 0 (local.get $idx))))
    (local.set $b1 (v128.load offset=@LOG_TABLE_PTR16 (i32x4.extract_lane 2 (local.get $idx))))
    (local.set $logc (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $b0) (local.get $b1)))
    ;; r = ((z - c_i) + c*2^-k)*(1/c_i); z - c_i is exact
    (local.set $r (f64x2.mul
      (f64x2.add
        (f64x2.sub (local.get $z) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a0) (local.get $a1)))
        (call $scale (local.get $c) (i64x2.neg (local.get $k))))
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a0) (local.get $a1))))
    (local.set $kd (call $i64tof64 (i64x2.add (local.get $k) (local.get $kadd))))
    ;; hi + lo = k*ln2_hi + log c + r, with the rounding errors of both sums (Fast2Sum)
    (local.set $t (f64x2.mul (local.get $kd) (v128.const f64x2 6.93147180369123816490e-1 6.93147180369123816490e-1)))
    (local.set $w (f64x2.add (local.get $t) (local.get $logc)))
    (local.set $hi (f64x2.add (local.get $w) (local.get $r)))
    (local.set $lo (f64x2.add
      (f64x2.add (f64x2.sub (local.get $w) (local.get $hi)) (local.get $r))
      (f64x2.add
        (f64x2.mul (local.get $kd) (v128.const f64x2 1.90821492927058770002e-10 1.90821492927058770002e-10))
        (f64x2.add (f64x2.sub (local.get $t) (local.get $w)) (local.get $logc)))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (f64x2.add
      (f64x2.add
        (f64x2.add (local.get $lo) (f64x2.mul (local.get $r2) (v128.const f64x2 @LOG_A0 @LOG_A0)))
        (f64x2.mul (f64x2.mul (local.get $r) (local.get $r2))
          (f64x2.add
            (f64x2.add (v128.const f64x2 @LOG_A1 @LOG_A1) (f64x2.mul (local.get $r) (v128.const f64x2 @LOG_A2 @LOG_A2)))
            (f64x2.mul (local.get $r2)
              (f64x2.add (v128.const f64x2 @LOG_A3 @LOG_A3) (f64x2.mul (local.get $r) (v128.const f64x2 @LOG_A4 @LOG_A4)))))))
      (local.get $hi)))

  ;; log1p(r) for -2^-4 <= r < 0x1.09p-4 (see log1pNear in elementary.ts): with s = r/(2 + r) and
  ;; z = s^2, r - (r^2/2 - s*(r^2/2 + R)), R = z*(2/3 + z*(2/5 + z*(2/7 + z*(2/9 + z*2/11)))).
  (func $log1pNear (param $r v128) (result v128)
    (local $s v128) (local $z v128) (local $hfsq v128)
    (local.set $s (f64x2.div (local.get $r) (f64x2.add (v128.const f64x2 2 2) (local.get $r))))
    (local.set $z (f64x2.mul (local.get $s) (local.get $s)))
    (local.set $hfsq (f64x2.mul (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $r)) (local.get $r)))
    (f64x2.sub (local.get $r)
      (f64x2.sub (local.get $hfsq)
        (f64x2.mul (local.get $s)
          (f64x2.add (local.get $hfsq)
            (f64x2.mul (local.get $z)
              (f64x2.add (v128.const f64x2 0.6666666666666666 0.6666666666666666) (f64x2.mul (local.get $z)
              (f64x2.add (v128.const f64x2 0.4 0.4) (f64x2.mul (local.get $z)
              (f64x2.add (v128.const f64x2 0.2857142857142857 0.2857142857142857) (f64x2.mul (local.get $z)
              (f64x2.add (v128.const f64x2 0.2222222222222222 0.2222222222222222) (f64x2.mul (local.get $z)
                (v128.const f64x2 0.18181818181818182 0.18181818181818182)))))))))))))))

  ;; ---------------------------------------------------------------------------------------------
  ;; log (see log in elementary.ts): the table path, subnormals scaled by 2^52 first, x near 1 by
  ;; log1pNear (evaluated only when a lane needs it), then the special values.
  (func $log (param $x v128) (result v128)
    (local $sub v128) (local $y v128) (local $near v128)
    (local.set $sub (f64x2.lt (local.get $x) (v128.const f64x2 2.2250738585072014e-308 2.2250738585072014e-308)))
    (local.set $y (call $logMain
      (v128.bitselect (f64x2.mul (local.get $x) (v128.const f64x2 4503599627370496 4503599627370496)) (local.get $x) (local.get $sub))
      (v128.and (local.get $sub) (v128.const i64x2 -52 -52))
      (v128.const i64x2 0 0)))
    (local.set $near (v128.and
      (f64x2.ge (local.get $x) (v128.const f64x2 0.9375 0.9375))
      (f64x2.lt (local.get $x) (v128.const f64x2 1.064697265625 1.064697265625))))
    (if (v128.any_true (local.get $near))
      (then (local.set $y (v128.bitselect
        (call $log1pNear (f64x2.sub (local.get $x) (v128.const f64x2 1 1))) (local.get $y) (local.get $near)))))
    (local.set $y (v128.bitselect (v128.const f64x2 nan nan) (local.get $y)
      (v128.or (f64x2.lt (local.get $x) (v128.const i64x2 0 0)) (f64x2.ne (local.get $x) (local.get $x)))))
    (local.set $y (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $y) (f64x2.eq (local.get $x) (v128.const i64x2 0 0))))
    (v128.bitselect (local.get $x) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf))))

  ;; ---------------------------------------------------------------------------------------------
  ;; log1p (see log1p in elementary.ts): 1 + x = u + c exactly (TwoSum), log's table path on u with
  ;; c, |x| < 1/16 by log1pNear (only when a lane needs it), then tiny x and the special values.
  (func $log1p (param $x v128) (result v128)
    (local $u v128) (local $bb v128) (local $y v128) (local $ax v128) (local $near v128)
    (local.set $u (f64x2.add (v128.const f64x2 1 1) (local.get $x)))
    (local.set $bb (f64x2.sub (local.get $u) (v128.const f64x2 1 1)))
    (local.set $y (call $logMain (local.get $u) (v128.const i64x2 0 0)
      (f64x2.add
        (f64x2.sub (v128.const f64x2 1 1) (f64x2.sub (local.get $u) (local.get $bb)))
        (f64x2.sub (local.get $x) (local.get $bb)))))
    (local.set $ax (f64x2.abs (local.get $x)))
    (local.set $near (f64x2.lt (local.get $ax) (v128.const f64x2 0.0625 0.0625)))
    (if (v128.any_true (local.get $near))
      (then (local.set $y (v128.bitselect
        (v128.bitselect (local.get $x) (call $log1pNear (local.get $x))
          (f64x2.lt (local.get $ax) (v128.const f64x2 5.551115123125783e-17 5.551115123125783e-17)))
        (local.get $y) (local.get $near)))))
    (local.set $y (v128.bitselect (v128.const f64x2 nan nan) (local.get $y)
      (v128.or (f64x2.lt (local.get $x) (v128.const f64x2 -1 -1)) (f64x2.ne (local.get $x) (local.get $x)))))
    (local.set $y (v128.bitselect (v128.const f64x2 -inf -inf) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 -1 -1))))
    (v128.bitselect (local.get $x) (local.get $y) (f64x2.eq (local.get $x) (v128.const f64x2 inf inf))))

  ;; ---------------------------------------------------------------------------------------------
  ;; expm1 (see expm1 in elementary.ts): e^x = S*(1 + tmp) by exp's scheme and (S - 1) + S*tmp with
  ;; S - 1 as hi + lo exactly; |x| < 1/16 by the Taylor polynomial and x > 709 by exp (each only
  ;; when a lane needs it); then tiny x, x <= -38.8... and NaN.
  (func $expm1 (param $x v128) (result v128)
    (local $kd v128) (local $ki v128) (local $r v128) (local $j v128) (local $e0 v128) (local $e1 v128)
    (local $r2 v128) (local $tmp v128) (local $S v128) (local $hi v128) (local $y v128) (local $ax v128)
    (local $m v128)
    (local.set $kd (f64x2.sub
      (f64x2.add (f64x2.mul (local.get $x) (v128.const f64x2 @INVLN2N @INVLN2N))
        (v128.const f64x2 6755399441055744 6755399441055744))
      (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $ki (i32x4.trunc_sat_f64x2_s_zero (local.get $kd)))
    (local.set $r (f64x2.add
      (f64x2.add (local.get $x) (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2HIN @NEGLN2HIN)))
      (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2LON @NEGLN2LON))))
    (local.set $j (i32x4.shl (v128.and (local.get $ki) (v128.const i64x2 0x0000007f0000007f 0x0000007f0000007f)) (i32.const 4)))
    (local.set $e0 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 0 (local.get $j))))
    (local.set $e1 (v128.load offset=@EXP_TABLE_PTR (i32x4.extract_lane 1 (local.get $j))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $tmp (f64x2.add
      (f64x2.add
        (f64x2.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $e0) (local.get $e1))
          (local.get $r))
        (f64x2.mul (local.get $r2)
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-3 0x1.5555555555555p-3)))))
      (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
        (f64x2.add (v128.const f64x2 0x1.5555555555555p-5 0x1.5555555555555p-5)
          (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-7 0x1.1111111111111p-7))))))
    ;; S = H_j*2^(k>>7) (exact; for x > 709, where 2^(k>>7) may overflow, exp's lanes replace it)
    (local.set $S (f64x2.mul
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $e0) (local.get $e1))
      (call $pow2i32 (i32x4.shr_s (local.get $ki) (i32.const 7)))))
    (local.set $hi (f64x2.sub (local.get $S) (v128.const f64x2 1 1)))
    (local.set $y (f64x2.add (local.get $hi)
      (f64x2.add
        (f64x2.sub (local.get $S) (f64x2.add (local.get $hi) (v128.const f64x2 1 1)))
        (f64x2.mul (local.get $S) (local.get $tmp)))))
    (local.set $ax (f64x2.abs (local.get $x)))
    (local.set $m (f64x2.lt (local.get $ax) (v128.const f64x2 0.0625 0.0625)))
    (if (v128.any_true (local.get $m))
      (then (local.set $y (v128.bitselect
        (f64x2.add (local.get $x) (f64x2.mul (f64x2.mul (local.get $x) (local.get $x))
          (f64x2.add (v128.const f64x2 0.5 0.5) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C3 @EXPM1_C3) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C4 @EXPM1_C4) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C5 @EXPM1_C5) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C6 @EXPM1_C6) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C7 @EXPM1_C7) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C8 @EXPM1_C8) (f64x2.mul (local.get $x)
          (f64x2.add (v128.const f64x2 @EXPM1_C9 @EXPM1_C9) (f64x2.mul (local.get $x) (v128.const f64x2 @EXPM1_C10 @EXPM1_C10)))))))))))))))))))
        (local.get $y) (local.get $m)))))
    (local.set $y (v128.bitselect (local.get $x) (local.get $y)
      (f64x2.lt (local.get $ax) (v128.const f64x2 5.551115123125783e-17 5.551115123125783e-17))))
    (local.set $y (v128.bitselect (v128.const f64x2 -1 -1) (local.get $y)
      (f64x2.le (local.get $x) (v128.const f64x2 -38.81622314453125 -38.81622314453125))))
    (local.set $m (f64x2.gt (local.get $x) (v128.const f64x2 709 709)))
    (if (v128.any_true (local.get $m))
      (then (local.set $y (v128.bitselect (call $exp (local.get $x)) (local.get $y) (local.get $m)))))
    (v128.bitselect (local.get $x) (local.get $y) (f64x2.ne (local.get $x) (local.get $x))))

  ;; ---------------------------------------------------------------------------------------------
  ;; tanh (see tanh in elementary.ts): with c = min(|x|, 19.1), k = round(2c*128/ln2) and
  ;; s = c - k*hi/2 (hi: ln2/128's high part), tanh c = 1 - q, q = 2/(e^(2c) + 1) = Q_k/(1 + eps),
  ;; eps = h*(2 - Q_k), h = (e^(2s) - 1)/2 (a polynomial), Q_k = 2/(e^(k*hi) + 1) from tanh's table as qh + ql
  ;; (@TANH_TABLE_PTR + 16k, k <= 7054, written by the loader); c = 19.1 gives 1 exactly. The
  ;; kernel runs this table path on every lane, the series below 1/32 (also exact for tiny x) only
  ;; when one of a step's four lanes needs it, then the sign and NaN in one select. The loop's time
  ;; follows the dependency chain from x to the result as much
  ;; as the instruction count (each kernel call keeps only a few pairs of lanes in flight), so the
  ;; order of operations keeps that chain short.
  ;;@inline
  (func $tanhTable (param $a v128) (result v128)
    (local $c v128) (local $kds v128) (local $kd v128)
    (local $r v128) (local $r2 v128) (local $u v128) (local $qi v128) (local $q0 v128) (local $q1 v128)
    (local $qh v128) (local $s1 v128)
    ;; pmin: a < 19.1 ? a : 19.1 (NaN lanes take 19.1 and are replaced at the end)
    (local.set $c (f64x2.pmin (v128.const f64x2 19.1 19.1) (local.get $a)))
    ;; p = 2c*128/ln2, as c*(256/ln2) (the same product: scaling by 2 is exact); k = p rounded to
    ;; nearest even, as kd = nearest(p) and in the low bits of kds = p + 1.5*2^52 (the JavaScript
    ;; twin's p + 1.5*2^52 - 1.5*2^52 is the same kd)
    (local.set $kd (f64x2.mul (local.get $c) (v128.const f64x2 @INVLN2N2 @INVLN2N2)))
    (local.set $kds (f64x2.add (local.get $kd) (v128.const f64x2 6755399441055744 6755399441055744)))
    (local.set $kd (f64x2.nearest (local.get $kd)))
    ;; 16k: kds's bits are 0x4338000000000000 + k, so their low 32 bits are k (0 <= k <= 7054)
    (local.set $qi (i64x2.shl (local.get $kds) (i32.const 4)))
    (local.set $q0 (v128.load offset=@TANH_TABLE_PTR (i32x4.extract_lane 0 (local.get $qi))))
    (local.set $q1 (v128.load offset=@TANH_TABLE_PTR (i32x4.extract_lane 2 (local.get $qi))))
    ;; s = c - k*hi/2, exactly (hi = ln2/128's high part; the table's grid is k*hi)
    (local.set $r (f64x2.add (local.get $c) (f64x2.mul (local.get $kd) (v128.const f64x2 @NEGLN2HIN_HALF @NEGLN2HIN_HALF))))
    (local.set $r2 (f64x2.mul (local.get $r) (local.get $r)))
    (local.set $qh (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $q0) (local.get $q1)))
    ;; eps = h*(2 - qh), h = (e^(2s) - 1)/2 = (s + s^2*(1 + s*2/3)) + s^4*(1/3 + s*2/15)
    (local.set $u (f64x2.mul
      (f64x2.add
        (f64x2.add
          (local.get $r)
          (f64x2.mul (local.get $r2)
            (f64x2.add (v128.const f64x2 1 1) (f64x2.mul (local.get $r) (v128.const f64x2 0x1.5555555555555p-1 0x1.5555555555555p-1)))))
        (f64x2.mul (f64x2.mul (local.get $r2) (local.get $r2))
          (f64x2.add (v128.const f64x2 0x1.5555555555555p-2 0x1.5555555555555p-2)
            (f64x2.mul (local.get $r) (v128.const f64x2 0x1.1111111111111p-3 0x1.1111111111111p-3)))))
      (f64x2.sub (v128.const f64x2 2 2) (local.get $qh))))
    (local.set $s1 (f64x2.sub (v128.const f64x2 1 1) (local.get $qh)))
    (f64x2.add (local.get $s1)
      (f64x2.add
        (f64x2.sub (f64x2.sub (f64x2.sub (v128.const f64x2 1 1) (local.get $s1)) (local.get $qh))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $q0) (local.get $q1)))
        (f64x2.div (f64x2.mul (local.get $qh) (local.get $u)) (f64x2.add (v128.const f64x2 1 1) (local.get $u))))))

  ;; tanh's series for a = |x| < 1/32: a + a*(a^2*(c1 + a^2*(c2 + ... + a^2*c8)))
  ;;@inline
  (func $tanhSeries (param $a v128) (result v128)
    (local $a2 v128)
    (local.set $a2 (f64x2.mul (local.get $a) (local.get $a)))
    (f64x2.add (local.get $a) (f64x2.mul (local.get $a) (f64x2.mul (local.get $a2)
      (f64x2.add (v128.const f64x2 @TANH_C1 @TANH_C1) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C2 @TANH_C2) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C3 @TANH_C3) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C4 @TANH_C4) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C5 @TANH_C5) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C6 @TANH_C6) (f64x2.mul (local.get $a2) (f64x2.add (v128.const f64x2 @TANH_C7 @TANH_C7) (f64x2.mul (local.get $a2) (v128.const f64x2 @TANH_C8 @TANH_C8)))))))))))))))))))

  ;; tanh's sign (z >= 0 takes x's sign bit) and NaN (all of x), in one select
  ;;@inline
  (func $tanhSign (param $x v128) (param $z v128) (result v128)
    (v128.bitselect (local.get $x) (local.get $z)
      (v128.or (f64x2.ne (local.get $x) (local.get $x)) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))

  ;; ---------------------------------------------------------------------------------------------
  ;; Array kernels: out[i] = f(in[i]) for i < n, two or four lanes at a time, n rounded up to a
  ;; multiple of 2 or 4: the extra lanes read the window's padding and are never copied back.
  (func (export "exp") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $exp (v128.load (local.get $in))))
      (v128.store offset=16 (local.get $out) (call $exp (v128.load offset=16 (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 32)))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $l))))

  ;; out = exp(in - shift), and the sum of the outputs in two lanes: lane 0 adds elements 0, 2, 4, ...
  ;; and lane 1 elements 1, 3, 5, ..., each in increasing order, starting from (s0, s1); the lanes are
  ;; stored at $sums (the caller adds them, or continues with the next window). An odd last element
  ;; goes to lane 0 alone. The rows of softmax, log-softmax, log-sum-exp and cross-entropy.
  (func (export "expShiftSum") (param $in i32) (param $out i32) (param $n i32) (param $shift f64)
        (param $s0 f64) (param $s1 f64) (param $sums i32)
    (local $end i32) (local $s v128) (local $acc v128) (local $e v128)
    (local.set $s (f64x2.splat (local.get $shift)))
    (local.set $acc (f64x2.replace_lane 1 (f64x2.splat (local.get $s0)) (local.get $s1)))
    (local.set $end (i32.add (local.get $in) (i32.shl (i32.and (local.get $n) (i32.const -2)) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $e (call $exp (f64x2.sub (v128.load (local.get $in)) (local.get $s))))
      (v128.store (local.get $out) (local.get $e))
      (local.set $acc (f64x2.add (local.get $acc) (local.get $e)))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l)))
    (if (i32.and (local.get $n) (i32.const 1))
      (then
        (local.set $e (call $exp (f64x2.sub (v128.load (local.get $in)) (local.get $s))))
        (v128.store (local.get $out) (local.get $e))
        (local.set $acc (f64x2.add (local.get $acc) (v128.and (local.get $e) (v128.const i64x2 -1 0))))))
    (v128.store (local.get $sums) (local.get $acc)))

  (func (export "log") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $log (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "log1p") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $log1p (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  (func (export "expm1") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out) (call $expm1 (v128.load (local.get $in))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;;@hoist
  (func (export "tanh") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32) (local $x1 v128) (local $x2 v128) (local $a1 v128) (local $a2 v128) (local $z1 v128)
    (local $z2 v128) (local $m1 v128) (local $m2 v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $x1 (v128.load (local.get $in)))
      (local.set $x2 (v128.load offset=16 (local.get $in)))
      (local.set $a1 (f64x2.abs (local.get $x1)))
      (local.set $a2 (f64x2.abs (local.get $x2)))
      (local.set $z1 (call $tanhTable (local.get $a1)))
      (local.set $z2 (call $tanhTable (local.get $a2)))
      ;; the series, only when one of the four lanes needs it
      (local.set $m1 (f64x2.lt (local.get $a1) (v128.const f64x2 0.03125 0.03125)))
      (local.set $m2 (f64x2.lt (local.get $a2) (v128.const f64x2 0.03125 0.03125)))
      (if (v128.any_true (v128.or (local.get $m1) (local.get $m2)))
        (then
          (local.set $z1 (v128.bitselect (call $tanhSeries (local.get $a1)) (local.get $z1) (local.get $m1)))
          (local.set $z2 (v128.bitselect (call $tanhSeries (local.get $a2)) (local.get $z2) (local.get $m2)))))
      (v128.store (local.get $out) (call $tanhSign (local.get $x1) (local.get $z1)))
      (v128.store offset=16 (local.get $out) (call $tanhSign (local.get $x2) (local.get $z2)))
      (local.set $in (i32.add (local.get $in) (i32.const 32)))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $l))))

  ;; out = exp(-|c*in|) (c*in rounded first): the backwards of sigmoid (c = 1), tanh (c = 2),
  ;; softplus (c = beta), SiLU and GELU's tanh form
  (func (export "expNegAbs") (param $in i32) (param $out i32) (param $n i32) (param $c f64)
    (local $end i32) (local $s v128)
    (local.set $s (f64x2.splat (local.get $c)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (v128.store (local.get $out)
        (call $expNonPos (v128.or (f64x2.mul (local.get $s) (v128.load (local.get $in))) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))

  ;; sigmoid(x) = n/(1 + e), e = exp(-|x|), n = 1 for x >= 0 else e; four elements a step (two
  ;; independent f64x2 chains keep the divider and the table loads busy)
  (func (export "sigmoid") (param $in i32) (param $out i32) (param $n i32)
    (local $end i32) (local $x v128) (local $e v128) (local $x2 v128) (local $e2 v128)
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $x (v128.load (local.get $in)))
      (local.set $x2 (v128.load offset=16 (local.get $in)))
      (local.set $e (call $expNonPos (v128.or (local.get $x) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
      (local.set $e2 (call $expNonPos (v128.or (local.get $x2) (v128.const i64x2 0x8000000000000000 0x8000000000000000))))
      (v128.store (local.get $out)
        (f64x2.div
          (v128.bitselect (v128.const f64x2 1 1) (local.get $e) (f64x2.ge (local.get $x) (v128.const f64x2 0 0)))
          (f64x2.add (v128.const f64x2 1 1) (local.get $e))))
      (v128.store offset=16 (local.get $out)
        (f64x2.div
          (v128.bitselect (v128.const f64x2 1 1) (local.get $e2) (f64x2.ge (local.get $x2) (v128.const f64x2 0 0)))
          (f64x2.add (v128.const f64x2 1 1) (local.get $e2))))
      (local.set $in (i32.add (local.get $in) (i32.const 32)))
      (local.set $out (i32.add (local.get $out) (i32.const 32)))
      (br $l))))

  ;; softplus: z = beta*x; x where z > threshold, else (max(z, 0) + log1p(exp(-|z|)))/beta
  (func (export "softplus") (param $in i32) (param $out i32) (param $n i32) (param $beta f64) (param $threshold f64)
    (local $end i32) (local $x v128) (local $z v128) (local $b v128) (local $th v128)
    (local.set $b (f64x2.splat (local.get $beta)))
    (local.set $th (f64x2.splat (local.get $threshold)))
    (local.set $end (i32.add (local.get $in) (i32.shl (local.get $n) (i32.const 3))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $in) (local.get $end)))
      (local.set $x (v128.load (local.get $in)))
      (local.set $z (f64x2.mul (local.get $b) (local.get $x)))
      (v128.store (local.get $out)
        (v128.bitselect (local.get $x)
          (f64x2.div
            (f64x2.add
              (v128.and (local.get $z) (f64x2.gt (local.get $z) (v128.const f64x2 0 0)))
              (call $log1p (call $expNonPos (v128.or (local.get $z) (v128.const i64x2 0x8000000000000000 0x8000000000000000)))))
            (local.get $b))
          (f64x2.gt (local.get $z) (local.get $th))))
      (local.set $in (i32.add (local.get $in) (i32.const 16)))
      (local.set $out (i32.add (local.get $out) (i32.const 16)))
      (br $l))))
)
