"""Photos in the public API: uploadPhoto, importPhotos, Teacher.photo and the photo file route."""
