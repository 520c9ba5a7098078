// Observed sizes of the early memblock requests (everything but paging_init's page tables, NUMA distance,
// NODE_DATA placement, CMA, crashkernel and the swiotlb buffer), from real QEMU boots with memblock=debug,
// replayed against the size models. Each row keeps the QEMU command that produced it. `seq` lists the
// memblock_alloc* calls (`site size align`) and frees (`free site size`) in kernel order, `x*N` = N times.
// Boots: -smp 1/2/4/8 × 1/2/3/4/16 GiB, a 234-byte command line, and a hand-edited DTB (custom.dtb = the
// -smp 2 virt DTB plus /aliases {serial0, mmc12, bad3 → missing node, noid, viaalias4 → "serial0", mem7} and
// /extra@1 { name; compatible; foo; level2 { level3@abc { bar } } } inserted before /chosen).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { parseFdt } from '../../src/inputs/fdt/index.ts';
import type { FdtNode } from '../../src/inputs/fdt/tree.ts';
import { qemuVirtDtb } from '../../src/inputs/machines/qemu-virt.ts';
import type { Generation } from '../../src/kernels/generation.ts';
import { EARLY_SIZES } from '../../src/kernels/behaviors/early-sizes.ts';
import { unflattenRequests } from '../../src/model/unflatten.ts';
import { unknownBootOptions } from '../../src/model/unknown-bootoptions.ts';
import { builtinProfile } from '../../src/kernels/profiles.ts';
import { sparseAllocations } from '../../src/model/sparse.ts';
import { percpuFirstChunk } from '../../src/model/percpu.ts';
import { hashTableSizes, nrKernelPagesFromZones } from '../../src/model/hash-tables.ts';
import { commandLineCopies, nodeCpumasks, standardResources, swiotlbMetadata } from '../../src/model/early-sizes/misc.ts';
import type { EarlyRequest } from '../../src/model/early-sizes/types.ts';

interface Row { name: string; gen: Generation; smp: number; mem: string; dtb: 'virt' | 'custom'; bootargsLen: number; ndSize: number; hashes: bigint[]; cmd: string; seq: string }

const ROWS: Row[] = [
  { name: "bullseye-1-1G", gen: '5.10', smp: 1, mem: '1G', dtb: 'virt', bootargsLen: 81, ndSize: 9472, hashes: [131072n, 65536n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 1G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 35428 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 336 64;sparse_init_nid 16777216 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 82 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 135168 4096;free pcpu_fc_free 0;memblock_alloc 8 64*2;memblock_alloc 4 64;memblock_alloc 8 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 1048576 64;alloc_large_system_hash 524288 64" },
  { name: "bullseye-2-2G", gen: '5.10', smp: 2, mem: '2G', dtb: 'virt', bootargsLen: 81, ndSize: 9472, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 36588 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 672 64;sparse_init_nid 33554432 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 82 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 270336 4096;free pcpu_fc_free 0*2;memblock_alloc 8 64*3;memblock_alloc 16 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64" },
  { name: "bullseye-4-4G", gen: '5.10', smp: 4, mem: '4G', dtb: 'virt', bootargsLen: 81, ndSize: 9472, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 4 -m 4G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 38732 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 1344 64;sparse_init_nid 67108864 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 82 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 540672 4096;free pcpu_fc_free 0*4;memblock_alloc 8 64*2;memblock_alloc 16 64;memblock_alloc 32 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_with_tbl 131072 4096;swiotlb_init_with_tbl 262144 4096" },
  { name: "bullseye-8-3G-long", gen: '5.10', smp: 8, mem: '3G', dtb: 'virt', bootargsLen: 234, ndSize: 9472, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 8 -m 3G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 xx=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    seq: "early_init_dt_alloc_memory_arch 43020 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 1008 64;sparse_init_nid 50331648 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 235 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 1081344 4096;free pcpu_fc_free 0*8;memblock_alloc 8 64*2;memblock_alloc 32 64;memblock_alloc 64 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64" },
  { name: "bookworm-1-1G", gen: '6.1', smp: 1, mem: '1G', dtb: 'virt', bootargsLen: 81, ndSize: 11392, hashes: [131072n, 65536n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 1G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bookworm/vmlinuz-6.1.0-50-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 39868 8;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 448 64;memmap_alloc 16777216 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 126976 4096;free pcpu_embed_first_chunk 0;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 4 64;pcpu_setup_first_chunk 8 64;pcpu_setup_first_chunk 288 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 1048576 64;alloc_large_system_hash 524288 64" },
  { name: "bookworm-2-2G", gen: '6.1', smp: 2, mem: '2G', dtb: 'virt', bootargsLen: 81, ndSize: 11392, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bookworm/vmlinuz-6.1.0-50-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 41180 8;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 896 64;memmap_alloc 33554432 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 253952 4096;free pcpu_embed_first_chunk 0*2;pcpu_setup_first_chunk 8 64*3;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 288 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64" },
  { name: "bookworm-4-4G", gen: '6.1', smp: 4, mem: '4G', dtb: 'virt', bootargsLen: 81, ndSize: 11392, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 4 -m 4G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bookworm/vmlinuz-6.1.0-50-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 43612 8;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1792 64;memmap_alloc 67108864 2097152;__earlyonly_bootmem_alloc 4096 4096*3;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 507904 4096;free pcpu_embed_first_chunk 0*4;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 32 64;pcpu_setup_first_chunk 288 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_remap 786432 4096;swiotlb_init_remap 64 64" },
  { name: "bookworm-8-3G-long", gen: '6.1', smp: 8, mem: '3G', dtb: 'virt', bootargsLen: 234, ndSize: 11392, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 8 -m 3G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bookworm/vmlinuz-6.1.0-50-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 xx=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    seq: "early_init_dt_alloc_memory_arch 48476 8;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1344 64;memmap_alloc 50331648 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 235 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 1015808 4096;free pcpu_embed_first_chunk 0*8;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 32 64;pcpu_setup_first_chunk 64 64;pcpu_setup_first_chunk 288 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;start_kernel 155 64;free start_kernel 155;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64" },
  { name: "trixie-1-1G", gen: '6.12', smp: 1, mem: '1G', dtb: 'virt', bootargsLen: 81, ndSize: 14144, hashes: [131072n, 65536n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 1G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/trixie/vmlinuz-6.12.117+deb13-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 42068 8;alloc_bootmem_cpumask_var 64 64;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 448 64;memmap_alloc 16777216 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 139264 4096;free pcpu_embed_first_chunk 0;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 4 64;pcpu_setup_first_chunk 8 64;pcpu_setup_first_chunk 304 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 1048576 64;alloc_large_system_hash 524288 64;swiotlb_init_remap 12288 4096;swiotlb_init_remap 16 64" },
  { name: "trixie-2-2G", gen: '6.12', smp: 2, mem: '2G', dtb: 'virt', bootargsLen: 81, ndSize: 14144, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/trixie/vmlinuz-6.12.117+deb13-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 43452 8;alloc_bootmem_cpumask_var 64 64;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 896 64;memmap_alloc 33554432 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 278528 4096;free pcpu_embed_first_chunk 0*2;pcpu_setup_first_chunk 8 64*3;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 304 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64;swiotlb_init_remap 24576 4096;swiotlb_init_remap 32 64" },
  { name: "trixie-4-4G", gen: '6.12', smp: 4, mem: '4G', dtb: 'virt', bootargsLen: 81, ndSize: 14144, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 4 -m 4G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/trixie/vmlinuz-6.12.117+deb13-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 46012 8;alloc_bootmem_cpumask_var 64 64;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1792 64;memmap_alloc 67108864 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 557056 4096;free pcpu_embed_first_chunk 0*4;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 32 64;pcpu_setup_first_chunk 304 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_remap 786432 4096;swiotlb_init_remap 64 64" },
  { name: "trixie-8-3G-long", gen: '6.12', smp: 8, mem: '3G', dtb: 'virt', bootargsLen: 234, ndSize: 14144, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 8 -m 3G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/trixie/vmlinuz-6.12.117+deb13-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 xx=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    seq: "early_init_dt_alloc_memory_arch 51132 8;alloc_bootmem_cpumask_var 64 64;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1344 64;memmap_alloc 50331648 2097152;__earlyonly_bootmem_alloc 4096 4096;setup_arch 64 64;start_kernel 235 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 1114112 4096;free pcpu_embed_first_chunk 0*8;pcpu_setup_first_chunk 8 64*2;pcpu_setup_first_chunk 32 64;pcpu_setup_first_chunk 64 64;pcpu_setup_first_chunk 304 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;start_kernel 155 64;free start_kernel 155;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_remap 49152 4096;swiotlb_init_remap 128 64" },
  { name: "sid-1-1G", gen: '7.2', smp: 1, mem: '1G', dtb: 'virt', bootargsLen: 81, ndSize: 14336, hashes: [131072n, 65536n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 1G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "__memblock_alloc_or_panic 44268 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 704 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*8;__memblock_alloc_or_panic 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 147456 4096;free memblock_free 0;__memblock_alloc_or_panic 8 64*2;__memblock_alloc_or_panic 4 64;__memblock_alloc_or_panic 8 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;alloc_large_system_hash 1048576 64;alloc_large_system_hash 524288 64;swiotlb_init_remap 12288 4096;swiotlb_init_remap 16 64" },
  { name: "sid-2-2G", gen: '7.2', smp: 2, mem: '2G', dtb: 'virt', bootargsLen: 81, ndSize: 14336, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "__memblock_alloc_or_panic 45724 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1408 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*16;__memblock_alloc_or_panic 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 294912 4096;free memblock_free 0*2;__memblock_alloc_or_panic 8 64*3;__memblock_alloc_or_panic 16 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64;swiotlb_init_remap 24576 4096;swiotlb_init_remap 32 64" },
  { name: "sid-4-4G", gen: '7.2', smp: 4, mem: '4G', dtb: 'virt', bootargsLen: 81, ndSize: 14336, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 4 -m 4G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "__memblock_alloc_or_panic 48412 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 2816 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*32;__memblock_alloc_or_panic 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 589824 4096;free memblock_free 0*4;__memblock_alloc_or_panic 8 64*2;__memblock_alloc_or_panic 16 64;__memblock_alloc_or_panic 32 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_remap 786432 4096;swiotlb_init_remap 64 64" },
  { name: "sid-8-3G-long", gen: '7.2', smp: 8, mem: '3G', dtb: 'virt', bootargsLen: 234, ndSize: 14336, hashes: [524288n, 262144n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 8 -m 3G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 xx=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    seq: "__memblock_alloc_or_panic 53788 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 2112 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*24;__memblock_alloc_or_panic 235 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 1179648 4096;free memblock_free 0*8;__memblock_alloc_or_panic 8 64*2;__memblock_alloc_or_panic 32 64;__memblock_alloc_or_panic 64 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;start_kernel 155 64;free memblock_free 155;alloc_large_system_hash 4194304 64;alloc_large_system_hash 2097152 64;swiotlb_init_remap 49152 4096;swiotlb_init_remap 128 64" },
  { name: "bullseye-2-2G-custom", gen: '5.10', smp: 2, mem: '2G', dtb: 'custom', bootargsLen: 81, ndSize: 9472, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000  -dtb /tmp/es/custom.dtb",
    seq: "early_init_dt_alloc_memory_arch 38476 8;early_init_dt_alloc_memory_arch 47 8;early_init_dt_alloc_memory_arch 44 8;early_init_dt_alloc_memory_arch 49 8;early_init_dt_alloc_memory_arch 44 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 672 64;sparse_init_nid 33554432 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 82 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 270336 4096;free pcpu_fc_free 0*2;memblock_alloc 8 64*3;memblock_alloc 16 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64" },
  { name: "bookworm-2-2G-custom", gen: '6.1', smp: 2, mem: '2G', dtb: 'custom', bootargsLen: 81, ndSize: 11392, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bookworm/vmlinuz-6.1.0-50-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000  -dtb /tmp/es/custom.dtb",
    seq: "early_init_dt_alloc_memory_arch 43332 8;early_init_dt_alloc_memory_arch 47 8;early_init_dt_alloc_memory_arch 44 8;early_init_dt_alloc_memory_arch 49 8;early_init_dt_alloc_memory_arch 44 8;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 896 64;memmap_alloc 33554432 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 253952 4096;free pcpu_embed_first_chunk 0*2;pcpu_setup_first_chunk 8 64*3;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 288 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 144 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64" },
  { name: "trixie-2-2G-custom", gen: '6.12', smp: 2, mem: '2G', dtb: 'custom', bootargsLen: 81, ndSize: 14144, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/trixie/vmlinuz-6.12.117+deb13-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000  -dtb /tmp/es/custom.dtb",
    seq: "early_init_dt_alloc_memory_arch 45708 8;early_init_dt_alloc_memory_arch 47 8;early_init_dt_alloc_memory_arch 44 8;early_init_dt_alloc_memory_arch 49 8;early_init_dt_alloc_memory_arch 44 8;alloc_bootmem_cpumask_var 64 64;sparse_init 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 896 64;memmap_alloc 33554432 2097152;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;start_kernel 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 278528 4096;free pcpu_embed_first_chunk 0*2;pcpu_setup_first_chunk 8 64*3;pcpu_setup_first_chunk 16 64;pcpu_setup_first_chunk 304 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 384 64;pcpu_alloc_first_chunk 392 64;pcpu_alloc_first_chunk 96 64;pcpu_alloc_first_chunk 200 64;pcpu_alloc_first_chunk 1024 64;pcpu_alloc_first_chunk 1032 64;pcpu_alloc_first_chunk 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64;swiotlb_init_remap 24576 4096;swiotlb_init_remap 32 64" },
  { name: "sid-2-2G-custom", gen: '7.2', smp: 2, mem: '2G', dtb: 'custom', bootargsLen: 81, ndSize: 14336, hashes: [262144n, 131072n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 2G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000  -dtb /tmp/es/custom.dtb",
    seq: "__memblock_alloc_or_panic 48084 8;__memblock_alloc_or_panic 47 8;__memblock_alloc_or_panic 44 8;__memblock_alloc_or_panic 49 8;__memblock_alloc_or_panic 44 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64;sparse_init_nid 1408 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*16;__memblock_alloc_or_panic 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 294912 4096;free memblock_free 0*2;__memblock_alloc_or_panic 8 64*3;__memblock_alloc_or_panic 16 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;alloc_large_system_hash 2097152 64;alloc_large_system_hash 1048576 64;swiotlb_init_remap 24576 4096;swiotlb_init_remap 32 64" },
  { name: "sid-1-16G", gen: '7.2', smp: 1, mem: '16G', dtb: 'virt', bootargsLen: 81, ndSize: 14336, hashes: [2097152n, 1048576n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 16G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/sid/vmlinuz-7.2.13+deb14-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "__memblock_alloc_or_panic 44268 8;__memblock_alloc_or_panic 64 64*2;__memblock_alloc_or_panic 131072 64;sparse_index_alloc 4096 64*2;sparse_init_nid 11264 64;memmap_alloc 4096 4096*2;memmap_alloc 2097152 2097152*128;__memblock_alloc_or_panic 82 64*2;pcpu_build_alloc_info 4096 4096;pcpu_embed_first_chunk 4096 64;pcpu_fc_alloc 147456 4096;free memblock_free 0;__memblock_alloc_or_panic 8 64*2;__memblock_alloc_or_panic 4 64;__memblock_alloc_or_panic 8 64;__memblock_alloc_or_panic 304 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 384 64;__memblock_alloc_or_panic 392 64;__memblock_alloc_or_panic 96 64;__memblock_alloc_or_panic 136 64;__memblock_alloc_or_panic 1024 64;__memblock_alloc_or_panic 1032 64;__memblock_alloc_or_panic 256 64;free memblock_free 4096*2;alloc_large_system_hash 16777216 64;alloc_large_system_hash 8388608 64;swiotlb_init_remap 786432 4096;swiotlb_init_remap 16 64" },
  { name: "bullseye-1-16G", gen: '5.10', smp: 1, mem: '16G', dtb: 'virt', bootargsLen: 81, ndSize: 9472, hashes: [2097152n, 1048576n],
    cmd: "qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 1 -m 16G -nographic -no-reboot -kernel ~/.cache/arm64-kernels/bullseye/vmlinuz-5.10.0-32-arm64 -append console=ttyAMA0 ignore_loglevel panic=-1 memblock=debug earlycon=pl011,0x9000000 ",
    seq: "early_init_dt_alloc_memory_arch 35428 8;sparse_init 16384 64;sparse_index_alloc 4096 64;sparse_init_nid 5376 64;sparse_init_nid 268435456 16777216;__earlyonly_bootmem_alloc 4096 4096*2;setup_arch 64 64;memblock_alloc.constprop.0 82 64*2;memblock_alloc 4096 4096;memblock_alloc 4096 64;pcpu_fc_alloc 135168 4096;free pcpu_fc_free 0;memblock_alloc 8 64*2;memblock_alloc 4 64;memblock_alloc 8 64;memblock_alloc 544 64;memblock_alloc 144 64;memblock_alloc 384 64;memblock_alloc 392 64;memblock_alloc 96 64;memblock_alloc 144 64;memblock_alloc 1024 64;memblock_alloc 1032 64;memblock_alloc 256 64;free pcpu_free_alloc_info 4096;free pcpu_embed_first_chunk 4096;alloc_large_system_hash 16777216 64;alloc_large_system_hash 8388608 64;swiotlb_init_with_tbl 131072 4096;swiotlb_init_with_tbl 262144 4096" },
];

const GiB = 1n << 30n;
const RAM_BASE = 0x40000000n;

const expand = (s: string): string[] => s.split(';').flatMap((e) => {
  const m = /^(.*)\*(\d+)$/.exec(e);
  return m ? Array<string>(Number(m[2])).fill(m[1]) : [e];
});

/** custom.dtb exactly as booted (dtc output of the edited -smp 2 virt DTS), gzip + base64. */
const CUSTOM_DTB_GZ_B64 =
  'H4sICEF5BWsCA2N1c3RvbS5kdGIArZlNjNtEFMdnnGybLf3YLaXdln4sTSlLyewmzna7RVAFJASIUnroFW0n9iSx4q/azm7SA8qhnLgieuGIVAmpN3rjAqoEByQqgRASBw5wQYIr7allxl+ZOJPGGrGS1x575v3+82be2PPyYN/jfwA4dRkAsAnAiQY9r9BjkR4LIPxT9tL7JTD5B+NzgR7F6HJYiMus/aJp2L1+Re9Z1gBtG16QqX+EGefKZa7M2qtT2kPX14yMrdfvAzDHld+6H10n5cu3xlnX7kf6k/L1zraW2GM6VOxZFcZBtdUqSAvVVTUtRM5heixiOd6gsV6N/hI7zH9tVmjEYocjzbvp0Y3ajey4Jg5ajmehZs9vaCNjU3zM7O8kg7E3NpLxJ8z4OykfZX28QaxeJYEC37BckzB2bDLU1NpBWqvduFhVUzWF+PlH2X7OK+ncWOLHMeREhpBlGQ5vn42r4Wyx2w087j+ewbr3SXxvgetHyt6TohXAtVEj+5UEK2Sqs5mLYqYizVyfzTwoZhalmRuzmc+KmbukmZuzmYfEzJI0E89mPidm7pFmarOZh8XMvdJMMpt5RMzcL8us5YjPJTFzQZqZIz6PipkHpZk54vOYmHlImpkjPp8XMw9LM3PE53Exc0mamSM+T4iZx6SZOeLzpJh5XJqZIz5PiZknZZlqjvhcFjOXpZk54vMFMfO0NDNHfJ4WM89IM3PEZ1nMPCvNzBGfZ8TMFWlmjvh8Ucw8J83MEZ9nxcyKNDNHfL4kZq7KMus54nNFzKxKM3PE58tipirNzBGf58TMdWlmjvh8RczckGbmiM+KmLkpzcwRn0jMfFWamSM+V8XM16SZOeJzTcy8lJvZdg0HdcnAH+2d2SZAzdyHrrNDPKfV4vbjzOZndD8+x2lM9tqf0yOIy+wj9M7bV9/9YPk9Mli+OmZIGe39qxs1us2ujzb9ia27HGOeHvew29xyNbObYX4TZxiyPtodP080fs+1+ZXLuSyleQ+mJcpzeIZFNGKaEzmN+cRa9F0f9UEzSKNW5RMXSZs/Qfq9mGqizxQm+OFkXmlYyNzj8h/8Rn+iXlFQryCoNyeoVxTU2xXdL83SVxTUU6ZzS7P0ibjF6X5ZmKVvTlBPmc5dmKVPxC1O98vSLH27BPWU6dylWfpE3OJT5kFsF85x68k1ll+DmQaXnox6ofARwJ1Xn6TBNgTiMx9LjUz7+BmMN3XDIpdtza6FdILAZLPwhOvHSo5cK58f7bpRQrMQ5ylUWkYdxw8Q0bCF2sQmnqEBPldZrbP1qjYe6zLrk8KNwWh9gWPrS3Z9qgvWp0RXjenKrEEsf3evh72AyRLoK430CTVCoUbwVI21qRqtXpYBozWxwDNCO/TY3kS0xXY9bW/YgdbYFOaH73L54eVEZymTsS/BsXIhzvuFPM3xAtJHuHYeteMBT+bcTs7cPTN8MRNThfD9rlpUtsrneBPNE74tKRO+ZSaucO/UUC8Viahd1PKwRTLv1JaJ/U6DZ8EPuXFM/cMvGoJz+k2gtQwU2uTiQHPTfDnvG1EentVFFnbDjviO1iVBqA1qZs8PiJeMJaRjQMa/ASBFDtN+see1yeeQ67vC6WsIvif4sWtzeulYQTPz+8qB7Nw4f2HMXpcyeH80apM8mOHB/4kXMgMaYN6ofZWLqX1xTLHr/dz1M9z1Hi7u2K2b3PzgYjCiJOULKKWGGuiaggRr3l1uPaHLBbxFq6jrVufmeD14G9obfPlO5jtTbRl9oiPNpNNmxDQN7BOf8xv8am1yAUzeE1+vaXRFJ3Zyj/oGfrtmOzbpG3T+2cH4egi/y9Rn937w6XsAm1VuXYW/rAl+AEs0kn7g4WhGJD5R+5UBH9O/sX8m2SZmtN2MrusN3NTGfPR7PF7j8zuVGNaj9+Af/bG5BP+e4hM6vvDRTw8e2u+crL6/cmz/X28u9uqnH398+8op7dHQeOPnLz/94d9R3xV45cD1x19YP2ocf56uxcTzem6AXOwxH1qOTkxQ9o2bBLFV3wdlrOse8f24qDmWiwOjaRJgGW0PBwTQCb3l2NGJ7gzY2e/5LrF1YJGg4+jAI22gk21DI1vBwCXAw3abjrxuYaQ5HRKSUyk+YLsXH0S/n2pUEDBxk6pyO9jWKTecRsimK6YfXUctqCk78BzTpPO6HN0IFY/6SFcvevjd8VugPCpGLSzfCB80ez4KpcZa2FeF7ljYsDkLHJW144pNbHfRjqEHHeYTQGxMvYZil2BzBw98xPwWdsfpBW4v4HtFXwrkRo/Y2gCUoxuRumQOW5ZWUylErwPbMXSwbeAwpNap160LoOU49CFV4TgB9tq0XaBTCB1oqsez28gnRAdd7JtedPkfCsa3oEwfAAA=';

/** The DTB each boot handed the kernel: QEMU's virt tree (src/inputs/machines) or custom.dtb. */
function tree(row: Row, bootargs: string): FdtNode {
  const bytes = row.dtb === 'custom'
    ? new Uint8Array(gunzipSync(Buffer.from(CUSTOM_DTB_GZ_B64, 'base64')))
    : qemuVirtDtb({ smp: row.smp, ramBytes: BigInt(parseInt(row.mem)) * GiB, cpu: 'cortex-a57', cmdline: bootargs });
  const r = parseFdt(bytes, `${row.dtb}.dtb`);
  assert.ok(r.ok);
  return r.value.root;
}

const fmt = (r: EarlyRequest): string => (r.kind === 'alloc' ? `${r.site} ${r.size} ${r.align}` : `free ${r.site} ${r.size}`);

/** The swiotlb geometry the metadata depends on (decided in src/model/swiotlb.ts; re-derived here for the replay). */
function swiotlbGeometry(gen: Generation, ram: bigint, smp: number): { nslabs: bigint; nareas: bigint } | null {
  const end = RAM_BASE + ram;
  let nareas = 1n;
  while (nareas < BigInt(smp)) nareas <<= 1n;
  if (end > 4n * GiB) return { nslabs: 32768n, nareas };
  if (gen === '5.10' || gen === '6.1') return null;
  const size = (ram + 1023n) / 1024n;
  let nslabs = (((size + 2047n) / 2048n + 127n) / 128n) * 128n;
  if (nslabs < 128n * nareas) nslabs = 128n * nareas;
  let p = 1n;
  while (p < nslabs) p <<= 1n;
  return { nslabs: p, nareas };
}

function modelSeq(row: Row, nrKernelPages: bigint): string[] {
  const c = EARLY_SIZES[row.gen];
  const bootargs = /-append (.*?)(?: -dtb \S+)?$/.exec(row.cmd)![1];
  const ram = BigInt(parseInt(row.mem)) * GiB;
  const root = tree(row, bootargs);
  const memory = [{ base: RAM_BASE, size: ram }];
  const unflatten = unflattenRequests(root, c.unflatten);
  const cpumask = nodeCpumasks(1, c.cpumaskBytes, c.cpumaskSite);
  const sparse = sparseAllocations({ memory, memstartAddr: RAM_BASE, nodeData: RAM_BASE + ram - 0x10000n }, c.sparse);
  const setupArch = [standardResources(memory.length, c.resourceSize, c.setupArchSite)];
  const cmdline = commandLineCopies(bootargs, c.commandLineSize, c.commandLineSite);
  const percpu = percpuFirstChunk({ possibleCpus: row.smp }, c.percpu).requests;
  const unknown = unknownBootOptions(bootargs, builtinProfile(`debian-${row.gen}`)!.image.bootParams!, c.unknownOptions).requests;
  const nrAllPages = ram >> 12n;
  const hash = hashTableSizes({ pageShift: 12, nrKernelPages, nrAllPages }, c.hash).map((h) => h.request);
  const g = swiotlbGeometry(row.gen, ram, row.smp);
  const swiotlb = g ? swiotlbMetadata(g.nslabs, g.nareas, { ...c.swiotlb, pageSize: 4096n }) : [];
  const order = row.gen === '7.2'
    ? [unflatten, cpumask, setupArch, sparse, cmdline, percpu, unknown, hash, swiotlb]
    : [unflatten, cpumask, sparse, setupArch, cmdline, percpu, unknown, hash, swiotlb];
  // A counted request stands for that many identical allocations in a row.
  return order.flat().flatMap((r) => Array.from({ length: Number(r.count ?? 1n) }, () => fmt(r)));
}

/** nr_kernel_pages: 5.10/6.1 from the zones (ZONE_DMA/DMA32 below 4 GiB, NORMAL above); 6.12+ bounds of the free pages. */
function kernelPages(row: Row): bigint[] {
  const ram = BigInt(parseInt(row.mem)) * GiB;
  const pages = ram >> 12n;
  if (row.gen === '5.10' || row.gen === '6.1') {
    const low = (RAM_BASE + ram < 4n * GiB ? ram : 4n * GiB - RAM_BASE) >> 12n;
    const zones = [{ spanned: low, present: low }, { spanned: pages - low, present: pages - low }].filter((z) => z.present > 0n);
    return [nrKernelPagesFromZones(zones, 12, 64n)];
  }
  // calc_nr_kernel_pages() counts the free memblock pages: RAM minus the memmap, minus the kernel, page
  // tables, DT and (7.2) CMA reserved before it; bound that by 160 MiB and require both bounds to agree.
  return [pages - pages / 64n - (160n << 8n), pages - pages / 64n];
}

for (const row of ROWS) {
  // These boots ran without QEMU -seed: their kaslr-seed, and with it the linear-map randomisation that decides
  // whether the vmemmap crosses a page-table boundary (src/model/kaslr.ts), was not recorded. The same machines
  // booted with recorded seeds (1, 2 and 3 table pages by seed) are test/conformance/kaslr-vmemmap.test.ts.
  const todo = row.name === 'bookworm-4-4G' ? '6.1 with 4 GiB made a third __earlyonly_bootmem_alloc vmemmap table page where the model, without the unrecorded kaslr-seed, predicts 2'
    : row.name === 'trixie-8-3G-long' ? '6.12 with 3 GiB made one __earlyonly_bootmem_alloc vmemmap table page where the model, without the unrecorded kaslr-seed, predicts 2'
      : undefined;
  test(`early sizes observed: ${row.name} (${row.gen}, -smp ${row.smp}, -m ${row.mem}, ${row.dtb} DTB)`, { todo }, () => {
    const want = expand(row.seq);
    for (const nk of kernelPages(row)) assert.deepEqual(modelSeq(row, nk), want);
    assert.equal(BigInt(row.ndSize), EARLY_SIZES[row.gen].numa.ndSize, 'NODE_DATA size');
    for (const nk of kernelPages(row)) {
      const h = hashTableSizes({ pageShift: 12, nrKernelPages: nk, nrAllPages: BigInt(parseInt(row.mem)) * GiB >> 12n }, EARLY_SIZES[row.gen].hash);
      assert.deepEqual(h.map((x) => x.entries), row.hashes);
    }
  });
}

test('percpu Embedded line numbers of the observed builds', () => {
  const seen: Record<Generation, string> = {
    '5.10': '33 pages/cpu s95576 r8192 d31400 u135168',
    '6.1': '31 pages/cpu s87208 r8192 d31576 u126976',
    '6.12': '34 pages/cpu s101528 r8192 d29544 u139264',
    '7.2': '36 pages/cpu s109144 r8192 d30120 u147456',
  };
  for (const gen of Object.keys(seen) as Generation[]) {
    const e = percpuFirstChunk({ possibleCpus: 2 }, EARLY_SIZES[gen].percpu).embedded;
    assert.equal(`${e.pages} pages/cpu s${e.static} r${e.reserved} d${e.dynamic} u${e.unit}`, seen[gen]);
  }
});
