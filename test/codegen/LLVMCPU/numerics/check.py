#!/usr/bin/env python3
"""Numerics check: kernel.mlir (one func @kernel on tensors) untiled vs etch tiling pipeline.
Builds a @main that fills inputs deterministically, runs both, prints max abs diff and checksum."""
import argparse, os, re, subprocess, sys, tempfile

ap = argparse.ArgumentParser()
ap.add_argument('kernel')
ap.add_argument('--etch-opt', required=True)
ap.add_argument('--tools', required=True, help='directory with mlir-opt and mlir-runner')
ap.add_argument('--libs', required=True, help='directory with libmlir_*runner_utils.so')
ap.add_argument('--target', default='target-triple=x86_64-unknown-linux-gnu target-cpu=skylake-avx512')
ap.add_argument('--workdir', default=None)
opts = ap.parse_args()
ETCH = opts.etch_opt
OPT = os.path.join(opts.tools, 'mlir-opt')
RUN = os.path.join(opts.tools, 'mlir-runner')
LIB = opts.libs
src = open(opts.kernel).read()
target = opts.target
m = re.search(r'func\.func @kernel\((.*?)\)\s*->\s*(tensor<[^>]*>)', src, re.S)
args = re.findall(r'%\w+\s*:\s*(tensor<[^>]*>)', m.group(1))
res = m.group(2)
tiled = subprocess.run([ETCH, f'--pass-pipeline=builtin.module(etch-llvmcpu-tiling-pipeline{{{target}}})', opts.kernel],
                       capture_output=True, text=True)
if tiled.returncode:
    print(tiled.stderr); sys.exit(1)
def body(text, name):
    # strip module wrapper, keep #map defs separately
    maps = [l for l in text.splitlines() if l.startswith('#')]
    t = '\n'.join(l for l in text.splitlines() if not l.startswith('#'))
    t = t.strip()
    if t.startswith('module'):
        t = t[t.index('{')+1:t.rindex('}')]
    t = t.replace('@kernel', '@' + name)
    # rename map aliases to avoid clashes
    for l in maps:
        a = l.split('=')[0].strip()
        t = re.sub(re.escape(a) + r'\b', a.replace('#', '#' + name + '_'), t)
    maps = [re.sub(r'^#(\w+)', '#' + name + r'_\1', l) for l in maps]
    return '\n'.join(maps), t
rm, rb = body(src, 'ref')
tm, tb = body(tiled.stdout, 'tiled')
def shape(t):
    dims = t[len('tensor<'):-1].split('x')[:-1]
    return [int(d) for d in dims]
gen = []
names = []
for i, a in enumerate(args):
    s = shape(a)
    idx = ', '.join(f'%i{k}' for k in range(len(s)))
    lin = '%c0l'
    lines = [f'    %in{i} = tensor.generate {{', f'    ^bb0({", ".join(f"%i{k}: index" for k in range(len(s)))}):']
    lines.append(f'      %l0 = arith.constant {i*7+3} : index')
    prev = '%l0'
    for k in range(len(s)):
        lines.append(f'      %m{k} = arith.muli {prev}, %c{s[k]}_{i}_{k} : index')
        lines.append(f'      %a{k} = arith.addi %m{k}, %i{k} : index')
        prev = f'%a{k}'
    lines.append(f'      %h = arith.muli {prev}, %c37 : index')
    lines.append(f'      %r = arith.remui %h, %c101 : index')
    lines.append(f'      %ri = arith.index_cast %r : index to i32')
    lines.append(f'      %f = arith.sitofp %ri : i32 to f32')
    lines.append(f'      %g = arith.mulf %f, %cs : f32')
    lines.append(f'      %v = arith.subf %g, %one : f32')
    lines.append(f'      tensor.yield %v : f32')
    lines.append(f'    }} : {a}')
    consts = [f'    %c{s[k]}_{i}_{k} = arith.constant {s[k]} : index' for k in range(len(s))]
    gen += consts + lines
    names.append(f'%in{i}')
rs = shape(res)
rank = len(rs)
ids = ', '.join(f'd{k}' for k in range(rank))
main = f'''
{rm}
{tm}
#idm = affine_map<({ids}) -> ({ids})>
#redm = affine_map<({ids}) -> ()>
module {{
{rb}
{tb}
  func.func @main() {{
    %c37 = arith.constant 37 : index
    %c101 = arith.constant 101 : index
    %cs = arith.constant 0.0198 : f32
    %one = arith.constant 1.0 : f32
{chr(10).join(gen)}
    %r0 = func.call @ref({', '.join(names)}) : ({', '.join(args)}) -> {res}
    %r1 = func.call @tiled({', '.join(names)}) : ({', '.join(args)}) -> {res}
    %z = arith.constant 0.0 : f32
    %e = tensor.empty() : tensor<f32>
    %init = linalg.fill ins(%z : f32) outs(%e : tensor<f32>) -> tensor<f32>
    %d = linalg.generic {{indexing_maps = [#idm, #idm, #redm], iterator_types = [{', '.join(['"reduction"']*rank)}]}}
        ins(%r0, %r1 : {res}, {res}) outs(%init : tensor<f32>) {{
      ^bb0(%x: f32, %y: f32, %acc: f32):
        %s = arith.subf %x, %y : f32
        %a = math.absf %s : f32
        %mx = arith.maximumf %a, %acc : f32
        linalg.yield %mx : f32
    }} -> tensor<f32>
    %sum = linalg.generic {{indexing_maps = [#idm, #redm], iterator_types = [{', '.join(['"reduction"']*rank)}]}}
        ins(%r0 : {res}) outs(%init : tensor<f32>) {{
      ^bb0(%x: f32, %acc: f32):
        %a = math.absf %x : f32
        %s = arith.addf %a, %acc : f32
        linalg.yield %s : f32
    }} -> tensor<f32>
    %mref = linalg.generic {{indexing_maps = [#idm, #redm], iterator_types = [{', '.join(['"reduction"']*rank)}]}}
        ins(%r0 : {res}) outs(%init : tensor<f32>) {{
      ^bb0(%x: f32, %acc: f32):
        %a = math.absf %x : f32
        %s = arith.maximumf %a, %acc : f32
        linalg.yield %s : f32
    }} -> tensor<f32>
    %mv = tensor.extract %mref[] : tensor<f32>
    %dv = tensor.extract %d[] : tensor<f32>
    %sv = tensor.extract %sum[] : tensor<f32>
    vector.print str "maxdiff "
    vector.print %dv : f32
    vector.print str "abssum "
    vector.print %sv : f32
    vector.print str "absmax "
    vector.print %mv : f32
    return
  }}
}}
'''
name = os.path.splitext(os.path.basename(opts.kernel))[0]
workdir = opts.workdir or tempfile.mkdtemp(prefix='etch-numerics-')
os.makedirs(workdir, exist_ok=True)
out = os.path.join(workdir, name + '.main.mlir')
open(out, 'w').write(main)
pipe = ('builtin.module(one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},'
        'func.func(convert-linalg-to-loops),func.func(convert-vector-to-scf{full-unroll}),expand-strided-metadata,lower-affine,'
        'convert-scf-to-cf,convert-vector-to-llvm,finalize-memref-to-llvm,convert-math-to-llvm,convert-arith-to-llvm,'
        'convert-func-to-llvm,convert-cf-to-llvm,convert-ub-to-llvm,reconcile-unrealized-casts)')
low = subprocess.run([OPT, f'--pass-pipeline={pipe}', out], capture_output=True, text=True)
if low.returncode:
    print('LOWERING FAILED', low.stderr[:3000]); sys.exit(1)
open(out + '.ll.mlir', 'w').write(low.stdout)
r = subprocess.run([RUN, '-e', 'main', '-entry-point-result=void', '-O2',
                    f'-shared-libs={LIB}/libmlir_runner_utils.so,{LIB}/libmlir_c_runner_utils.so', out + '.ll.mlir'],
                   capture_output=True, text=True)
vals = dict(re.findall(r'(maxdiff|abssum|absmax)\s+(\S+)', r.stdout))
if r.returncode or len(vals) != 3:
    print('RUN FAILED', r.stdout, r.stderr[:2000]); sys.exit(1)
maxdiff, abssum, absmax = (float(vals[k]) for k in ('maxdiff', 'abssum', 'absmax'))
tol = 1e-5 * max(1.0, absmax)
ok = maxdiff <= tol and abssum > 0
print(f'{name}: maxdiff={maxdiff:g} absmax={absmax:g} abssum={abssum:g} tol={tol:g}')
print('NUMERICS-OK' if ok else 'NUMERICS-MISMATCH')
sys.exit(0 if ok else 1)
