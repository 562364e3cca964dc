// The MomentKit queue snippet, exactly as a customer pastes it (see src/global.ts).
// Customers usually inline it in <head>; this page runs under a CSP without
// 'unsafe-inline', so it lives in its own file, loaded before the SDK.
!function(w,k){if(w[k])return;var q=[],m=w[k]={q:q};["init","track","identify","reset","on","flush","destroy","preview","action","optIn","optOut"].forEach(function(f){m[f]=function(){q.push([f,arguments])}})}(window,"momentkit")
