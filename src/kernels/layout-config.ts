// The kernel-config facts the boot model reads (a subset of /boot/config-*), with Debian's values as defaults.

export interface LayoutConfig {
  pageSize: bigint;
  vaBits: number;
  paBits: number;
  zoneDma: boolean;
  zoneDma32: boolean;
  zoneDevice: boolean;
  cma: boolean;
  /** CONFIG_CMA_SIZE_MBYTES with CMA_SIZE_SEL_MBYTES; percentage selectors below. */
  cmaSizeMbytes: number;
  cmaSizeSel: 'mbytes' | 'percentage' | 'min' | 'max';
  cmaSizePercentage: number;
  numa: boolean;
  nodesShift: number;
  nrCpus: number;
  rodataFullDefault: boolean;
  kfence: boolean;
  kfenceSampleInterval: number;
  debugPagealloc: boolean;
  crashDump: boolean;
  kexecFile: boolean;
  dmaBounceUnalignedKmalloc: boolean;
  deferredStructPageInit: boolean;
  randomizeBase: boolean;
}
