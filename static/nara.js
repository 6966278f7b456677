// Nära's script only adds to pages that already work without it.
// Nothing here yet is needed to use a page.
'use strict';
