// A photo from the phone made small on the device before it is sent: at most MAX_SIDE pixels on its
// long side, as a JPEG, upright (the EXIF orientation applied), alpha flattened on white as the
// server does. A 12-megapixel, 4 MB photo becomes a few hundred KB on a 1.6 Mbps line; the server
// still normalises it to the standard (197 × 244 px), which needs far fewer pixels than this.
// Formats the browser cannot decode (HEIC, TIFF) go as they are.
export const MAX_SIDE = 1600
const QUALITY = 0.88
const SMALL = 800 * 1024 // a photo already this small and within MAX_SIDE is sent untouched

export async function shrunk(file: File): Promise<File> {
  if (!/^image\/(jpeg|png|webp|bmp)$/.test(file.type)) return file
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' })
  } catch {
    return file // not decodable here: the server says what is wrong with it
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height))
  if (scale === 1 && file.size <= SMALL) {
    bitmap.close()
    return file
  }
  const canvas = document.createElement('canvas')
  canvas.width = Math.round(bitmap.width * scale)
  canvas.height = Math.round(bitmap.height * scale)
  const context = canvas.getContext('2d')
  if (!context) return file
  context.fillStyle = '#fff'
  context.fillRect(0, 0, canvas.width, canvas.height)
  context.imageSmoothingQuality = 'high'
  context.drawImage(bitmap, 0, 0, canvas.width, canvas.height)
  bitmap.close()
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', QUALITY))
  if (!blob || blob.size >= file.size) return file
  return new File([blob], `${file.name.replace(/\.[^.]*$/, '') || 'photo'}.jpg`, { type: 'image/jpeg' })
}
