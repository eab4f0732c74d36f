import sharp from 'sharp';

/**
 * libvips (sharp) settings for a small board. Its operation cache (up to 50 MB and 100 open files
 * by default) pays off for a server resizing the same images again; here every image is a new frame
 * or crop, so it only holds memory. One thread per operation instead of one per core: the images
 * are small (snapshots, crops) and the cores are busy with detection anyway.
 */
export function limitImageMemory(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}
